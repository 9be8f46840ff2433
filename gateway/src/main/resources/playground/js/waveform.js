// Draws an audio artifact's waveform. The presigned URL is on the object store's origin, whose
// bytes a script may not read without a CORS rule on the bucket; the gateway serves the same
// bytes same-origin at the artifact's `download` path, behind the key.
import { api } from './api.js';

/** Fetches the WAV at `path`, decodes it and draws min/max per column; marks the canvas when drawn. */
export async function drawWaveform(canvas, path) {
  const response = await api(path);
  const bytes = await response.arrayBuffer();
  const audio = await new OfflineAudioContext(1, 1, 16000).decodeAudioData(bytes);
  const samples = audio.getChannelData(0);
  const context = canvas.getContext('2d');
  const { width, height } = canvas;
  const style = getComputedStyle(canvas);
  context.clearRect(0, 0, width, height);
  context.fillStyle = style.getPropertyValue('--wave-background') || '#111';
  context.fillRect(0, 0, width, height);
  context.strokeStyle = style.getPropertyValue('--wave-color') || '#6cf';
  context.beginPath();
  const perColumn = samples.length / width;
  for (let x = 0; x < width; x++) {
    let low = 1;
    let high = -1;
    const from = Math.floor(x * perColumn);
    const to = Math.max(from + 1, Math.floor((x + 1) * perColumn));
    for (let i = from; i < to && i < samples.length; i++) {
      low = Math.min(low, samples[i]);
      high = Math.max(high, samples[i]);
    }
    context.moveTo(x + 0.5, (1 - high) * height / 2);
    context.lineTo(x + 0.5, (1 - low) * height / 2 + 1);
  }
  context.stroke();
  canvas.dataset.drawn = `${audio.duration.toFixed(3)}s`;
}
