/**
 * The simulated analytics: one tt:MetadataStream document per metadata interval with a scene
 * description frame (the scene's objects where the video shows them: bounding box, centre of
 * gravity, class, optionally a geo location) and, when the motion state changes, an event
 * notification tns1:VideoSource/MotionAlarm (Streaming spec "RTP for Metadata stream"; Imaging
 * spec "MotionAlarm"). Coordinates are normalized (-1..1, y up): no Transformation is sent.
 */
import { escapeXml, xsDateTime } from '../../xml/write.js';
import { NS } from '../../xml/ns.js';
import { parseTopicExpression, topicMatches } from '../../events/filters/topic-expression.js';
import type { TopicPath } from '../../events/topic.js';
import type { GeoLocation, MetadataConfig } from '../../media/model/types.js';
import type { VisibleObject } from './scenes.js';

const TT = 'http://www.onvif.org/ver10/schema';
const WSNT = 'http://docs.oasis-open.org/wsn/b-2';
const TNS1 = 'http://www.onvif.org/ver10/topics';
const CONCRETE_SET = 'http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet';
export const MOTION_TOPIC = 'tns1:VideoSource/MotionAlarm';

const MOTION_PATH: TopicPath = [{ ns: NS.tns1, name: 'VideoSource' }, { ns: NS.tns1, name: 'MotionAlarm' }];

/** Whether a metadata configuration streams the motion event: events on, and its topic filter (if any) admits it. */
export function streamsMotion(md: MetadataConfig): boolean {
  if (!md.events) return false;
  const topics = md.events.filters.filter((f) => f.element === 'TopicExpression');
  if (topics.length === 0) return true;
  return topics.some((f) => {
    try {
      return topicMatches(parseTopicExpression(f.expression, (p) => f.namespaces[p]), MOTION_PATH);
    } catch {
      return false;
    }
  });
}

export interface MotionNotice {
  state: boolean;
  operation: 'Initialized' | 'Changed';
  /** Remote token of the video source (the event's Source item). */
  videoSourceToken: string;
  utcMs: number;
}

export interface MetadataDocument {
  utcMs: number;
  /** Remote token of the video source configuration the scene description refers to. */
  source: string;
  /** Scene description; undefined when analytics are not streamed. */
  objects: VisibleObject[] | undefined;
  motion: MotionNotice | undefined;
  /** Camera position: objects get geo locations relative to it when set. */
  geo: GeoLocation | undefined;
  /** PTZ status (the PTZ service comes later: a PTZ camera reports its home position, idle). */
  ptz?: { utcMs: number } | undefined;
}

function n(v: number): string {
  // Compact but exact enough (1e-4 of the frame is far below a pixel).
  return String(Math.round(v * 10000) / 10000);
}

/** Metres per degree of latitude (mean); longitude shrinks with cos(lat). */
const M_PER_DEG = 111_320;
/** How many metres the normalized scene spans in front of the camera (a rough ground plane). */
const SCENE_WIDTH_M = 30;
const SCENE_DEPTH_M = 20;

/** Where an object in the image is on the ground, assuming a camera looking north over a flat area. */
export function objectGeo(camera: GeoLocation, o: VisibleObject): GeoLocation {
  const east = (o.centre.x * SCENE_WIDTH_M) / 2;
  const north = ((o.centre.y + 1) / 2) * SCENE_DEPTH_M + 5;
  const lat = camera.lat + north / M_PER_DEG;
  const lon = camera.lon + east / (M_PER_DEG * Math.cos((camera.lat * Math.PI) / 180));
  return { lat: Math.round(lat * 1e7) / 1e7, lon: Math.round(lon * 1e7) / 1e7, elevation: camera.elevation };
}

function objectXml(o: VisibleObject, geo: GeoLocation | undefined): string {
  const g = geo ? objectGeo(geo, o) : undefined;
  return (
    `<tt:Object ObjectId="${o.object.id}"><tt:Appearance>` +
    `<tt:Shape><tt:BoundingBox left="${n(o.left)}" top="${n(o.top)}" right="${n(o.right)}" bottom="${n(o.bottom)}"/>` +
    `<tt:CenterOfGravity x="${n(o.centre.x)}" y="${n(o.centre.y)}"/></tt:Shape>` +
    `<tt:Class><tt:Type Likelihood="0.9">${o.object.class}</tt:Type></tt:Class>` +
    (g ? `<tt:GeoLocation lon="${g.lon}" lat="${g.lat}"${g.elevation !== undefined ? ` elevation="${g.elevation}"` : ''}/>` : '') +
    `</tt:Appearance></tt:Object>`
  );
}

export function motionNotificationXml(m: MotionNotice): string {
  return (
    `<wsnt:NotificationMessage><wsnt:Topic Dialect="${CONCRETE_SET}">${MOTION_TOPIC}</wsnt:Topic>` +
    `<wsnt:Message><tt:Message UtcTime="${xsDateTime(new Date(m.utcMs))}" PropertyOperation="${m.operation}">` +
    `<tt:Source><tt:SimpleItem Name="Source" Value="${escapeXml(m.videoSourceToken)}"/></tt:Source>` +
    `<tt:Data><tt:SimpleItem Name="State" Value="${m.state}"/></tt:Data>` +
    `</tt:Message></wsnt:Message></wsnt:NotificationMessage>`
  );
}

/** One complete metadata document (UTF-8 text, XML declaration included). */
export function metadataDocument(d: MetadataDocument): string {
  const frame =
    d.objects === undefined
      ? ''
      : `<tt:VideoAnalytics><tt:Frame UtcTime="${xsDateTime(new Date(d.utcMs))}" Source="${escapeXml(d.source)}">` +
        d.objects.map((o) => objectXml(o, d.geo)).join('') +
        `</tt:Frame></tt:VideoAnalytics>`;
  const ptz = d.ptz
    ? `<tt:PTZ><tt:PTZStatus><tt:Position><tt:PanTilt x="0" y="0"/><tt:Zoom x="0"/></tt:Position>` +
      `<tt:MoveStatus><tt:PanTilt>IDLE</tt:PanTilt><tt:Zoom>IDLE</tt:Zoom></tt:MoveStatus>` +
      `<tt:UtcTime>${xsDateTime(new Date(d.ptz.utcMs))}</tt:UtcTime></tt:PTZStatus></tt:PTZ>`
    : '';
  const event = d.motion ? `<tt:Event>${motionNotificationXml(d.motion)}</tt:Event>` : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<tt:MetadataStream xmlns:tt="${TT}" xmlns:wsnt="${WSNT}" xmlns:tns1="${TNS1}">${frame}${ptz}${event}</tt:MetadataStream>`
  );
}
