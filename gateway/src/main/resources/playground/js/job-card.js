// One job on the page: its progress bar (stage and step), cancel, its outputs as they are,
// download links, warnings, and its JSON a click away.
import { api, followJob, TERMINAL } from './api.js';
import { drawWaveform } from './waveform.js';

const STAGES = { 'encoder-service': 'encoding', 'diffusion-service': 'sampling', 'decoder-service': 'decoding' };

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

export function describeJob(job) {
  const from = job.input_text ? `“${job.input_text}”` : (job.inputs || []).join(' + ');
  return `${from} → ${(job.outputs || []).join(' + ')}`;
}

/**
 * A card following one job. `onEdit(job)` fills the form from it; `onFinished(job)` is called once
 * it ends. `label` (e.g. "joint") heads the card in a side-by-side pair.
 */
export function jobCard(job, { label, onEdit, onFinished } = {}) {
  const id = job.id;
  const heading = element('h3', { id: `title-${id}` });
  const status = element('span', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const bar = element('progress', { max: '1', value: '0', 'aria-labelledby': `title-${id}`, 'data-steps-seen': '' });
  const stage = element('span', { class: 'stage' });
  const cancel = element('button', { type: 'button', class: 'cancel', text: 'Cancel' });
  const edit = element('button', { type: 'button', class: 'edit', text: 'Edit and resubmit' });
  const warnings = element('ul', { class: 'warnings' });
  const outputs = element('div', { class: 'outputs' });
  const json = element('pre', { class: 'job-json', tabindex: '0' });
  const card = element('article', { class: 'job', 'data-job-id': id, 'aria-labelledby': `title-${id}` },
    element('header', {}, heading, status),
    element('div', { class: 'progress' }, bar, stage),
    element('div', { class: 'actions' }, cancel, edit),
    warnings, outputs,
    element('details', {}, element('summary', { text: 'Job JSON' }), json));
  const controller = new AbortController();
  let current = job;
  let shown = false;

  function update(next) {
    current = next;
    heading.textContent = (label ? `${label}: ` : '') + describeJob(next);
    status.textContent = next.status;
    card.dataset.status = next.status;
    json.textContent = JSON.stringify(next, null, 2);
    cancel.disabled = TERMINAL.has(next.status);
    const progress = next.progress;
    if (progress && progress.total > 0) {
      bar.max = progress.total;
      bar.value = progress.step;
      const seen = new Set(bar.dataset.stepsSeen.split(',').filter(Boolean));
      seen.add(String(progress.step));
      bar.dataset.stepsSeen = [...seen].join(',');
    }
    if (next.status === 'succeeded') bar.value = bar.max;
    const where = progress ? `${STAGES[progress.stage] || progress.stage} · step ${progress.step} of ${progress.total}` : '';
    stage.textContent = next.status === 'running' || next.status === 'queued' ? (where || next.status) : next.status;
    warnings.replaceChildren(...(next.warnings || []).map((warning) => element('li', { text: warning.detail })));
    if (next.status === 'failed' && next.error) outputs.replaceChildren(element('p', { class: 'error', text: next.error }));
    if (next.status === 'succeeded' && !shown) {
      shown = true;
      showOutputs(next);
    }
  }

  function showOutputs(done) {
    const figures = [];
    if (done.text !== undefined) {
      figures.push(element('figure', { class: 'output text' },
        element('blockquote', { class: 'generated-text', text: done.text }), element('figcaption', { text: 'text' })));
    }
    for (const artifact of done.artifacts || []) {
      const link = element('a', { href: artifact.url, download: '', text: `${artifact.download.split('/').pop()} (${artifact.bytes} B)` });
      const caption = element('figcaption', {}, link);
      if (artifact.content_type === 'image/png') {
        figures.push(element('figure', { class: 'output image' },
          element('img', { src: artifact.url, class: 'pixelated', width: '256', height: '256', alt: `image generated for ${describeJob(done)}` }),
          caption));
      } else if (artifact.content_type === 'audio/wav') {
        const canvas = element('canvas', { class: 'waveform', width: '512', height: '96', role: 'img', 'aria-label': 'waveform of the generated audio' });
        figures.push(element('figure', { class: 'output audio' },
          element('audio', { src: artifact.url, controls: '', preload: 'auto' }), canvas, caption));
        drawWaveform(canvas, artifact.download).catch((error) => { canvas.dataset.drawn = 'failed'; canvas.title = error.message; });
      } else if (artifact.content_type === 'video/mp4') {
        figures.push(element('figure', { class: 'output video' },
          element('video', { src: artifact.url, class: 'pixelated', controls: '', loop: '', muted: '', playsinline: '', preload: 'auto', width: '256', height: '256' }),
          caption));
      } else if (artifact.content_type === 'image/gif') {
        figures.push(element('figure', { class: 'output gif' },
          element('img', { src: artifact.url, class: 'pixelated', width: '256', height: '256', alt: `animated GIF of the video for ${describeJob(done)}` }),
          caption));
      } else if (artifact.content_type.startsWith('text/')) {
        figures.push(element('figure', { class: 'output file' }, caption));
      }
    }
    outputs.replaceChildren(...figures);
  }

  cancel.addEventListener('click', async () => {
    cancel.disabled = true;
    try {
      update(await api(`/v1/jobs/${encodeURIComponent(id)}/cancel`, { method: 'POST' }));
    } catch (error) {
      stage.textContent = error.message;
    }
  });
  edit.addEventListener('click', () => onEdit?.(current));
  update(job);
  followJob(id, update, controller.signal)
    .then((finished) => finished && onFinished?.(finished))
    .catch((error) => { stage.textContent = error.message; });

  return { element: card, close: () => controller.abort() };
}
