/**
 * G.711 µ-law audio of a scene, generated once per scene from the same signal the AAC clips were
 * encoded from (scenes.audioSample) and looped: 8 kHz mono, 20 ms frames of 160 samples.
 */
import { encodeMulaw } from '../../protocol/codec/g711.js';
import { audioSample, type Scene } from './scenes.js';

export const PCMU_RATE = 8000;
export const PCMU_FRAME_SAMPLES = 160;

const loops = new Map<number, Uint8Array>();

/** One loop of the scene's audio as µ-law octets (shared; never mutated). */
export function pcmuLoop(scene: Scene): Uint8Array {
  let loop = loops.get(scene.id);
  if (!loop) {
    const samples = new Int16Array(Math.round(scene.loopSeconds * PCMU_RATE));
    for (let i = 0; i < samples.length; i++) samples[i] = Math.round(audioSample(scene, i / PCMU_RATE) * 32767);
    loop = encodeMulaw(samples);
    loops.set(scene.id, loop);
  }
  return loop;
}

/** The 20 ms frame starting at `sample` (content clock, any value): a view when it does not wrap. */
export function pcmuFrame(loop: Uint8Array, sample: number): Uint8Array {
  const start = ((sample % loop.length) + loop.length) % loop.length;
  if (start + PCMU_FRAME_SAMPLES <= loop.length) return loop.subarray(start, start + PCMU_FRAME_SAMPLES);
  const out = new Uint8Array(PCMU_FRAME_SAMPLES);
  const first = loop.length - start;
  out.set(loop.subarray(start), 0);
  out.set(loop.subarray(0, PCMU_FRAME_SAMPLES - first), first);
  return out;
}
