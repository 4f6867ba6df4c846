/**
 * The node's own monitoring events (Core spec "MonitoringEvents"), both property topics:
 * - tns1:Monitoring/OperatingTime/LastReboot: when the node started (Data Status, xs:dateTime);
 * - tns1:Monitoring/ProcessorUsage: host processor usage in percent, averaged over 5 s (the
 *   interval the spec recommends), published when its rounded value changes.
 */
import { cpus } from 'node:os';
import type { EventBroker } from '../../events/broker.js';
import { xsDateTime } from '../../xml/write.js';

export const LAST_REBOOT_TOPIC = 'tns1:Monitoring/OperatingTime/LastReboot';
export const PROCESSOR_USAGE_TOPIC = 'tns1:Monitoring/ProcessorUsage';
/** Source Token of the processor usage property: all host processors together. */
export const PROCESSOR_TOKEN = 'CPU';

export interface CpuTimes {
  idle: number;
  total: number;
}

export function hostCpuTimes(): CpuTimes {
  let idle = 0;
  let total = 0;
  for (const c of cpus()) {
    idle += c.times.idle;
    total += c.times.idle + c.times.user + c.times.nice + c.times.sys + c.times.irq;
  }
  return { idle, total };
}

export function declareMonitoringTopics(broker: EventBroker): void {
  broker.declareTopic({
    topic: LAST_REBOOT_TOPIC,
    isProperty: true,
    messageDescription: { data: [{ name: 'Status', type: 'xs:dateTime' }] },
  });
  broker.declareTopic({
    topic: PROCESSOR_USAGE_TOPIC,
    isProperty: true,
    messageDescription: { source: [{ name: 'Token', type: 'tt:ReferenceToken' }], data: [{ name: 'Value', type: 'xs:float' }] },
  });
}

export interface MonitoringOptions {
  now: () => number;
  sample?: () => CpuTimes;
  intervalMs?: number;
}

/** Declares the topics, publishes LastReboot, and samples the processor; returns a stop function. */
export function startMonitoring(broker: EventBroker, opts: MonitoringOptions): () => void {
  declareMonitoringTopics(broker);
  const started = new Date(opts.now());
  broker.publish({ topic: LAST_REBOOT_TOPIC, utcTime: started, propertyOperation: 'Initialized', source: [], data: [['Status', xsDateTime(started)]] });
  const sample = opts.sample ?? hostCpuTimes;
  let prev = sample();
  let last: string | undefined;
  const timer = setInterval(() => {
    const cur = sample();
    const total = cur.total - prev.total;
    const usage = total > 0 ? Math.min(100, Math.max(0, (1 - (cur.idle - prev.idle) / total) * 100)) : 0;
    prev = cur;
    const value = usage.toFixed(1);
    if (value === last) return;
    last = value;
    broker.publish({ topic: PROCESSOR_USAGE_TOPIC, utcTime: new Date(opts.now()), source: [['Token', PROCESSOR_TOKEN]], data: [['Value', value]] });
  }, opts.intervalMs ?? 5000);
  timer.unref();
  return () => clearInterval(timer);
}
