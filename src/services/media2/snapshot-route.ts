/**
 * The snapshot endpoint GetSnapshotUri points at: GET /onvif/snapshot/<profile token> answers one
 * JPEG at the profile's encoder resolution and quality, with the OSDs and masks of its video
 * source configuration drawn in. HTTP Digest (or a verified client certificate) with a user
 * allowed READ_MEDIA, like the SOAP call that handed out the URI.
 */
import type { Authenticator } from '../../security/authenticator.js';
import { isAllowed } from '../../security/access.js';
import type { Route } from '../../northbound/http/frontend.js';
import { sendText } from '../../northbound/http/frontend.js';
import { VigilError } from '../../core/errors.js';
import type { MediaDeps } from './deps.js';
import { SNAPSHOT_PATH_PREFIX } from './deps.js';

export function snapshotRoute(deps: MediaDeps, auth: Authenticator): Route {
  return async (ctx, _req, res) => {
    const path = ctx.url.split('?')[0]!;
    if (!path.startsWith(SNAPSHOT_PATH_PREFIX)) return false;
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      sendText(res, 405, 'snapshots are fetched with GET\n');
      return true;
    }
    const result = auth.authenticate(ctx, undefined);
    const challenge = (stale = false): void => {
      res.writeHead(401, { 'www-authenticate': auth.digest.challenges(stale), 'content-type': 'text/plain; charset=utf-8' });
      res.end('authentication required\n');
    };
    if (!result.ok) {
      challenge(result.reason === 'stale-nonce');
      return true;
    }
    if (!isAllowed(result.principal.level, 'READ_MEDIA')) {
      if (result.principal.method === 'anonymous') challenge();
      else sendText(res, 403, 'READ_MEDIA access is required\n');
      return true;
    }
    let token: string;
    try {
      token = decodeURIComponent(path.slice(SNAPSHOT_PATH_PREFIX.length));
    } catch {
      sendText(res, 404, 'no such profile\n');
      return true;
    }
    let jpeg: Uint8Array;
    try {
      const { cam, vsc, video } = deps.model.snapshotTarget(token);
      if (!cam.online) {
        sendText(res, 503, 'the camera is offline\n');
        return true;
      }
      const caps = cam.desc.driver.capabilities;
      jpeg = await cam.desc.driver.snapshot({
        width: video?.width ?? caps.width,
        height: video?.height ?? caps.height,
        quality: video?.quality ?? 70,
        osds: cam.state.osds.filter((o) => o.videoSourceConfigurationToken === vsc),
        masks: cam.state.masks.filter((m) => m.videoSourceConfigurationToken === vsc),
        nowMs: deps.now(),
        timeZone: deps.timeZone(),
        cameraName: cam.desc.name,
      });
    } catch (err) {
      if (err instanceof VigilError) {
        sendText(res, 404, `${err.message}\n`);
        return true;
      }
      throw err;
    }
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(jpeg.length), 'cache-control': 'no-store' });
    if (ctx.method === 'HEAD') res.end();
    else res.end(Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength));
    return true;
  };
}
