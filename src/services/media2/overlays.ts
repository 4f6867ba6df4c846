/** Media2 OSD, privacy mask and video source mode operations. */
import { VigilError } from '../../core/errors.js';
import type { CameraEntry } from '../../media/model/model.js';
import type { MaskConfig, OsdConfig } from '../../media/model/types.js';
import {
  checkMask, checkOsd, FONT_SIZE_RANGE, OSD_DATE_FORMATS, OSD_POSITIONS, OSD_TEXT_TYPES, OSD_TIME_FORMATS, OSD_TRANSPARENT_RANGE,
} from '../../media/model/validate.js';
import { child, childText, type XmlElement } from '../../xml/dom.js';
import { el, type Xml } from '../../xml/write.js';
import type { MediaDeps } from './deps.js';
import { readMask, readOsd, required } from './read.js';
import { maskXml, osdXml } from './write.js';

const YCBCR = 'http://www.onvif.org/ver10/colorspace/YCbCr';

function withRemoteVsc(deps: MediaDeps, cam: CameraEntry, o: OsdConfig): OsdConfig {
  return { ...o, token: deps.model.remoteOf(cam.desc.id, o.token), videoSourceConfigurationToken: deps.model.remoteOf(cam.desc.id, o.videoSourceConfigurationToken) };
}

function maskWithRemote(deps: MediaDeps, cam: CameraEntry, m: MaskConfig): MaskConfig {
  return { ...m, token: deps.model.remoteOf(cam.desc.id, m.token), videoSourceConfigurationToken: deps.model.remoteOf(cam.desc.id, m.videoSourceConfigurationToken) };
}

function bodyChild(body: XmlElement, name: string): XmlElement {
  const c = child(body, name);
  if (!c) throw new VigilError('InvalidArgVal', `${name} is required`);
  return c;
}

// ---- OSD ----

export function getOsds(deps: MediaDeps, body: XmlElement): Xml {
  const list = deps.model.overlays.osds({ osdToken: childText(body, 'OSDToken'), configurationToken: childText(body, 'ConfigurationToken') });
  return el('tr2:GetOSDsResponse', list.map(({ cam, osd }) => osdXml('tr2:OSDs', withRemoteVsc(deps, cam, osd))));
}

export function createOsd(deps: MediaDeps, body: XmlElement, touched: string[]): Xml {
  const { osd, type } = readOsd(bodyChild(body, 'OSD'));
  const token = deps.model.overlays.createOsd(checkOsd(osd, type));
  touched.push(token);
  return el('tr2:CreateOSDResponse', el('tr2:OSDToken', token));
}

export function setOsd(deps: MediaDeps, body: XmlElement, touched: string[]): Xml {
  const { osd, type } = readOsd(bodyChild(body, 'OSD'));
  if (osd.token === '') throw new VigilError('InvalidArgVal', 'OSD needs its token attribute');
  touched.push(osd.token);
  deps.model.overlays.osd(osd.token);
  deps.model.overlays.setOsd(checkOsd(osd, type));
  return el('tr2:SetOSDResponse');
}

export function deleteOsd(deps: MediaDeps, body: XmlElement, touched: string[]): Xml {
  const t = required(body, 'OSDToken');
  touched.push(t);
  deps.model.overlays.deleteOsd(t);
  return el('tr2:DeleteOSDResponse');
}

function colorOptions(name: string): Xml {
  const range = (n: string): Xml => el(n, [el('tt:Min', 0), el('tt:Max', 255)]);
  return el(name, [
    el('tt:Color', el('tt:ColorspaceRange', [range('tt:X'), range('tt:Y'), range('tt:Z'), el('tt:Colorspace', YCBCR)])),
    el('tt:Transparent', [el('tt:Min', OSD_TRANSPARENT_RANGE.min), el('tt:Max', OSD_TRANSPARENT_RANGE.max)]),
  ]);
}

export function getOsdOptions(deps: MediaDeps, body: XmlElement): Xml {
  const cam = deps.model.overlays.vscCamera(required(body, 'ConfigurationToken'));
  const max = cam.desc.driver.capabilities.maxOsds;
  return el(
    'tr2:GetOSDOptionsResponse',
    el('tr2:OSDOptions', [
      el('tt:MaximumNumberOfOSDs', undefined, { Total: max, PlainText: max, Date: max, Time: max, DateAndTime: max }),
      el('tt:Type', 'Text'),
      OSD_POSITIONS.map((p) => el('tt:PositionOption', p)),
      el('tt:TextOption', [
        OSD_TEXT_TYPES.map((t) => el('tt:Type', t)),
        el('tt:FontSizeRange', [el('tt:Min', FONT_SIZE_RANGE.min), el('tt:Max', FONT_SIZE_RANGE.max)]),
        OSD_DATE_FORMATS.map((f) => el('tt:DateFormat', f)),
        OSD_TIME_FORMATS.map((f) => el('tt:TimeFormat', f)),
        colorOptions('tt:FontColor'),
        colorOptions('tt:BackgroundColor'),
      ]),
    ]),
  );
}

// ---- masks ----

export function getMasks(deps: MediaDeps, body: XmlElement): Xml {
  const list = deps.model.overlays.masks({ maskToken: childText(body, 'Token'), configurationToken: childText(body, 'ConfigurationToken') });
  return el('tr2:GetMasksResponse', list.map(({ cam, mask }) => maskXml('tr2:Masks', maskWithRemote(deps, cam, mask))));
}

export function createMask(deps: MediaDeps, body: XmlElement, touched: string[]): Xml {
  const { mask, type } = readMask(bodyChild(body, 'Mask'));
  const cam = deps.model.overlays.vscCamera(mask.videoSourceConfigurationToken);
  const token = deps.model.overlays.createMask(checkMask(cam.desc.driver.capabilities, mask, type));
  touched.push(token);
  return el('tr2:CreateMaskResponse', el('tr2:Token', token));
}

export function setMask(deps: MediaDeps, body: XmlElement, touched: string[]): Xml {
  const { mask, type } = readMask(bodyChild(body, 'Mask'));
  if (mask.token === '') throw new VigilError('InvalidArgVal', 'Mask needs its token attribute');
  touched.push(mask.token);
  const { cam } = deps.model.overlays.mask(mask.token);
  deps.model.overlays.setMask(checkMask(cam.desc.driver.capabilities, mask, type));
  return el('tr2:SetMaskResponse');
}

export function deleteMask(deps: MediaDeps, body: XmlElement, touched: string[]): Xml {
  const t = required(body, 'Token');
  touched.push(t);
  deps.model.overlays.deleteMask(t);
  return el('tr2:DeleteMaskResponse');
}

export function getMaskOptions(deps: MediaDeps, body: XmlElement): Xml {
  const caps = deps.model.overlays.vscCamera(required(body, 'ConfigurationToken')).desc.driver.capabilities;
  const range = (n: string): Xml => el(n, [el('tt:Min', 0), el('tt:Max', 255)]);
  return el(
    'tr2:GetMaskOptionsResponse',
    el(
      'tr2:Options',
      [
        el('tr2:MaxMasks', caps.maxMasks),
        el('tr2:MaxPoints', caps.maxMaskPoints),
        el('tr2:Types', 'Color'),
        el('tr2:Color', el('tt:ColorspaceRange', [range('tt:X'), range('tt:Y'), range('tt:Z'), el('tt:Colorspace', YCBCR)])),
      ],
      { RectangleOnly: false, SingleColorOnly: false },
    ),
  );
}

// ---- video source modes ----

export function getVideoSourceModes(deps: MediaDeps, body: XmlElement): Xml {
  const cam = deps.model.videoSourceCamera(required(body, 'VideoSourceToken'));
  const current = deps.model.currentModeOf(cam);
  return el(
    'tr2:GetVideoSourceModesResponse',
    cam.desc.driver.capabilities.modes.map((m) =>
      el(
        'tr2:VideoSourceModes',
        [
          el('tr2:MaxFramerate', m.maxFramerate),
          el('tr2:MaxResolution', [el('tt:Width', m.maxWidth), el('tt:Height', m.maxHeight)]),
          el('tr2:Encodings', m.encodings.join(' ')),
          el('tr2:Reboot', false),
          el('tr2:Description', m.description),
        ],
        { token: m.token, Enabled: m.token === current },
      ),
    ),
  );
}

export function setVideoSourceMode(deps: MediaDeps, body: XmlElement, touched: string[]): Xml {
  const vs = required(body, 'VideoSourceToken');
  touched.push(vs);
  deps.model.setVideoSourceMode(vs, required(body, 'VideoSourceModeToken'));
  return el('tr2:SetVideoSourceModeResponse', el('tr2:Reboot', false));
}
