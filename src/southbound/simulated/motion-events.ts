/**
 * Publishes simulated motion detection as tns1:VideoSource/MotionAlarm (a property event: Source
 * item "Source" = the video source token, Data item "State" = xs:boolean; Imaging spec
 * "MotionAlarm", message description as Profile T devices report it).
 */
import type { EventBroker } from '../../events/broker.js';
import { MOTION_TOPIC } from './metadata.js';

export type MotionPublisher = (cameraId: string, state: boolean, utcMs: number) => void;

/** `videoSourceToken` maps a camera id to its video source's remote token (undefined: camera gone). */
export function motionAlarmPublisher(broker: EventBroker, videoSourceToken: (cameraId: string) => string | undefined): MotionPublisher {
  broker.declareTopic({
    topic: MOTION_TOPIC,
    isProperty: true,
    messageDescription: {
      source: [{ name: 'Source', type: 'tt:ReferenceToken' }],
      data: [{ name: 'State', type: 'xs:boolean' }],
    },
  });
  return (cameraId, state, utcMs) => {
    const token = videoSourceToken(cameraId);
    if (token === undefined) return;
    broker.publish({ topic: MOTION_TOPIC, utcTime: new Date(utcMs), source: [['Source', token]], data: [['State', String(state)]] });
  };
}
