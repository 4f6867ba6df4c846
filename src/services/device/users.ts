/** User management: GetUsers, CreateUsers, DeleteUsers, SetUser (Core spec "Security"). */
import { VigilError } from '../../core/errors.js';
import { isUserLevel, type UserLevel } from '../../security/access.js';
import { childText, children, type XmlElement } from '../../xml/dom.js';
import { el, type Xml } from '../../xml/write.js';
import type { DeviceDeps } from './deps.js';

export function getUsers(deps: DeviceDeps): Xml {
  return el(
    'tds:GetUsersResponse',
    deps.users.list().map((u) => el('tds:User', [el('tt:Username', u.username), el('tt:UserLevel', u.level)])),
  );
}

function level(u: XmlElement): UserLevel {
  const l = childText(u, 'UserLevel') ?? '';
  if (l === 'Anonymous') throw new VigilError('AnonymousNotAllowed', 'users cannot have the Anonymous level');
  if (!isUserLevel(l)) throw new VigilError('InvalidArgVal', `UserLevel '${l}' is not supported (Administrator, Operator, User)`);
  return l;
}

export function createUsers(deps: DeviceDeps, body: XmlElement, touched: string[]): Xml {
  const users = children(body, 'User').map((u) => {
    const password = childText(u, 'Password');
    if (password === undefined) throw new VigilError('PasswordTooWeak', 'a password is required');
    return { username: childText(u, 'Username') ?? '', password, level: level(u) };
  });
  if (users.length === 0) throw new VigilError('InvalidArgs', 'CreateUsers needs at least one User');
  deps.users.create(users);
  touched.push(...users.map((u) => `user:${u.username}`));
  return el('tds:CreateUsersResponse');
}

export function deleteUsers(deps: DeviceDeps, body: XmlElement, touched: string[]): Xml {
  const names = children(body, 'Username').map((c) => c.text.trim());
  if (names.length === 0) throw new VigilError('InvalidArgs', 'DeleteUsers needs at least one Username');
  deps.users.delete(names);
  touched.push(...names.map((n) => `user:${n}`));
  return el('tds:DeleteUsersResponse');
}

export function setUser(deps: DeviceDeps, body: XmlElement, touched: string[]): Xml {
  const changes = children(body, 'User').map((u) => ({
    username: childText(u, 'Username') ?? '',
    password: childText(u, 'Password'),
    level: level(u),
  }));
  if (changes.length === 0) throw new VigilError('InvalidArgs', 'SetUser needs at least one User');
  deps.users.update(changes);
  touched.push(...changes.map((c) => `user:${c.username}`));
  return el('tds:SetUserResponse');
}
