// The playground: key, what the model knows, the job form (text and dropped files, weights,
// outputs, sampling), live jobs, side by side, and history.
import { api, apiKey, ApiProblem } from './api.js';
import { describeJob, jobCard } from './job-card.js';

const $ = (selector) => document.querySelector(selector);
const EXAMPLES = [
  { text: 'a red circle moving left', outputs: ['image', 'audio', 'video'] },
  { text: 'a blue square moving up', outputs: ['image', 'audio'] },
  { text: 'something purple moving down', outputs: ['audio', 'video'] },
  { text: 'the triangle is green', outputs: ['image', 'text'] },
  { text: 'a yellow cross moving right', outputs: ['text', 'image', 'audio', 'video'], sideBySide: true },
];
/** Uploaded media inputs by modality: { upload, name, bytes, weight }. */
const media = new Map();
let historyCursor = null;

// ---- key ----------------------------------------------------------------------------------

$('#key-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  apiKey.set($('#api-key').value.trim());
  await start();
});
$('#forget-key').addEventListener('click', () => {
  apiKey.clear();
  location.reload();
});

async function start() {
  showError('key', '');
  try {
    const models = await api('/v1/models');
    showModel(models.data[0]);
  } catch (error) {
    apiKey.clear();
    showError('key', error.message);
    $('#api-key').setAttribute('aria-invalid', 'true');
    return;
  }
  $('#api-key').removeAttribute('aria-invalid');
  $('#api-key').value = '';
  $('#api-key').placeholder = 'key in use for this tab';
  for (const id of ['#model-section', '#compose', '#jobs-section', '#history-section']) $(id).hidden = false;
  await loadHistory(true);
  $('#text').focus();
}

// ---- what the model knows -----------------------------------------------------------------

function showModel(model) {
  const summary = $('#model-summary');
  if (!model) {
    summary.textContent = 'No model bundle is served.';
    return;
  }
  const parts = [];
  parts.push(`<p><strong>${escape(model.id)}</strong>${model.trained ? '' : ' <strong class="error">(untrained: outputs are noise)</strong>'}: ${escape(model.description || '')}</p>`);
  const vocabulary = model.vocabulary;
  if (vocabulary) {
    parts.push('<dl class="vocabulary">');
    if (vocabulary.colors) {
      parts.push(`<dt>Colors (a pitch in audio)</dt><dd>${vocabulary.colors.map((c) =>
        `<span class="swatch" style="background:${escape(c.rgb)}"></span>${escape(c.word)}`).join(', ')}</dd>`);
      parts.push(`<dt>Shapes (a timbre in audio)</dt><dd>${vocabulary.shapes.map((s) => escape(s.word)).join(', ')}</dd>`);
      parts.push(`<dt>Motions (a direction in video, a loudness envelope in audio)</dt><dd>${vocabulary.motions.map((m) => escape(m.word)).join(', ')}</dd>`);
    }
    parts.push(`<dt>Every word it reads (at most ${vocabulary.max_words} per prompt; others are unknown to it)</dt><dd>${vocabulary.words.map(escape).join(' ')}</dd>`);
    parts.push('</dl>');
  }
  const outputs = model.outputs;
  if (outputs) {
    parts.push(`<p>Outputs: image ${outputs.image.width}×${outputs.image.height} PNG; audio ${outputs.audio.seconds} s WAV at ${outputs.audio.sample_rate} Hz; `
      + `video ${outputs.video.frames} frames ${outputs.video.width}×${outputs.video.height} at ${outputs.video.frames_per_second} fps (MP4 and GIF); text.</p>`);
  }
  summary.innerHTML = parts.join('');
  $('#examples').replaceChildren(...EXAMPLES.map((example) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = `${example.text} → ${example.outputs.join(' + ')}${example.sideBySide ? ' (side by side)' : ''}`;
    button.addEventListener('click', () => {
      fillForm({ input_text: example.text, outputs: example.outputs, params: { steps: 20, guidance: 7.5, joint: true } });
      $('#side-by-side').checked = Boolean(example.sideBySide);
      $('#job-form').requestSubmit();
    });
    return button;
  }));
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

// ---- media inputs -------------------------------------------------------------------------

const dropzone = $('#dropzone');
dropzone.addEventListener('dragover', (event) => {
  event.preventDefault();
  dropzone.classList.add('over');
});
dropzone.addEventListener('dragleave', () => dropzone.classList.remove('over'));
dropzone.addEventListener('drop', (event) => {
  event.preventDefault();
  dropzone.classList.remove('over');
  uploadAll(event.dataTransfer.files);
});
$('#files').addEventListener('change', (event) => {
  uploadAll(event.target.files);
  event.target.value = '';
});

async function uploadAll(files) {
  showError('media', '');
  for (const file of files) {
    try {
      const upload = await api('/v1/uploads', { method: 'POST', body: file });
      media.set(upload.modality, { upload: upload.id, name: file.name, bytes: upload.bytes, weight: media.get(upload.modality)?.weight ?? 1 });
    } catch (error) {
      showError('media', `${file.name}: ${error.message}`);
    }
  }
  renderMedia();
}

function renderMedia() {
  $('#media-inputs').replaceChildren(...[...media.entries()].map(([modality, input]) => {
    const item = document.createElement('li');
    item.dataset.modality = modality;
    item.innerHTML = `<span>${escape(modality)}: ${escape(input.name)} (${Math.ceil(input.bytes / 1024)} KB, ${escape(input.upload)})</span>
      <label>weight <input type="number" min="0.1" step="0.1" value="${input.weight}" id="weight-${escape(modality)}"></label>
      <button type="button">Remove <span class="visually-hidden">${escape(modality)}</span></button>`;
    item.querySelector('input').addEventListener('change', (event) => { input.weight = Number(event.target.value); });
    item.querySelector('button').addEventListener('click', () => {
      media.delete(modality);
      renderMedia();
    });
    return item;
  }));
}

// ---- the form -----------------------------------------------------------------------------

function readForm(joint) {
  const inputs = {};
  const weights = {};
  const text = $('#text').value.trim();
  if (text) {
    inputs.text = text;
    weights.text = Number($('#weight-text').value || 1);
  }
  for (const [modality, input] of media) {
    inputs[modality] = { upload: input.upload };
    weights[modality] = input.weight;
  }
  const params = { steps: Number($('#steps').value), guidance: Number($('#guidance').value), joint };
  if ($('#seed').value !== '') params.seed = Number($('#seed').value);
  const outputs = [...document.querySelectorAll('input[name=outputs]:checked')].map((box) => box.value);
  return { inputs, weights, outputs, params };
}

/** Fills the form from a job (resubmit with changes). Media inputs are not kept by the job: choose them again. */
function fillForm(job) {
  $('#text').value = job.input_text || '';
  $('#weight-text').value = job.weights?.text ?? 1;
  for (const box of document.querySelectorAll('input[name=outputs]')) box.checked = (job.outputs || []).includes(box.value);
  const params = job.params || {};
  if (params.steps) $('#steps').value = params.steps;
  if (params.guidance !== undefined) $('#guidance').value = params.guidance;
  $('#seed').value = params.seed ?? '';
  document.querySelector(`input[name=mode][value=${params.joint === false ? 'independent' : 'joint'}]`).checked = true;
  media.clear();
  renderMedia();
  const missing = (job.inputs || []).filter((modality) => modality !== 'text');
  showError('media', missing.length ? `This job also had ${missing.join(', ')} input; choose the file again to use it.` : '');
}

$('#job-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors();
  const sideBySide = $('#side-by-side').checked;
  const joint = document.querySelector('input[name=mode]:checked').value === 'joint';
  const request = readForm(joint);
  $('#submit').disabled = true;
  try {
    if (sideBySide) {
      request.params.seed ??= Math.floor(Math.random() * 2 ** 31);
      $('#seed').value = request.params.seed;
      const together = await submit({ ...request, params: { ...request.params, joint: true } });
      const apart = await submit({ ...request, params: { ...request.params, joint: false } });
      const pair = document.createElement('div');
      pair.className = 'pair';
      pair.setAttribute('aria-label', `side by side, seed ${request.params.seed}`);
      pair.append(card(together, 'joint'), card(apart, 'independent'));
      $('#jobs').prepend(pair);
    } else {
      $('#jobs').prepend(card(await submit(request)));
    }
  } catch (error) {
    showProblem(error);
  } finally {
    $('#submit').disabled = false;
  }
});

function submit(request) {
  return api('/v1/jobs', { method: 'POST', body: request });
}

function card(job, label) {
  return jobCard(job, {
    label,
    onEdit: (edited) => {
      fillForm(edited);
      $('#text').focus();
      $('#compose').scrollIntoView();
    },
    onFinished: () => loadHistory(true),
  }).element;
}

// ---- errors next to their field -----------------------------------------------------------

function clearErrors() {
  for (const node of document.querySelectorAll('#job-form .field-error')) node.textContent = '';
  for (const node of document.querySelectorAll('#job-form [aria-invalid]')) node.removeAttribute('aria-invalid');
}

function showError(where, message) {
  $(`[id="error-${where}"]`).textContent = message;
}

function showProblem(error) {
  if (!(error instanceof ApiProblem)) {
    showError('form', error.message);
    return;
  }
  const field = error.field || '';
  const target = [...document.querySelectorAll('#job-form .field-error[data-fields]')]
    .find((node) => node.dataset.fields.split(' ').includes(field));
  (target || $('[id="error-form"]')).textContent = error.message;
  const input = { 'inputs.text': '#text', 'weights.text': '#weight-text', 'params.steps': '#steps', 'params.guidance': '#guidance', 'params.seed': '#seed' }[field];
  if (input) {
    $(input).setAttribute('aria-invalid', 'true');
    $(input).focus();
  }
}

// ---- history ------------------------------------------------------------------------------

$('#history-status').addEventListener('change', () => loadHistory(true));
$('#history-refresh').addEventListener('click', () => loadHistory(true));
$('#history-more').addEventListener('click', () => loadHistory(false));

async function loadHistory(fromTheStart) {
  const status = $('#history-status').value;
  const query = new URLSearchParams({ limit: '12' });
  if (status) query.set('status', status);
  if (!fromTheStart && historyCursor) query.set('cursor', historyCursor);
  let page;
  try {
    page = await api(`/v1/jobs?${query}`);
  } catch (error) {
    $('#history').replaceChildren(Object.assign(document.createElement('li'), { textContent: error.message }));
    return;
  }
  historyCursor = page.next_cursor;
  $('#history-more').hidden = !historyCursor;
  const items = page.data.map((job) => {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.jobId = job.id;
    const thumbnail = (job.artifacts || []).find((a) => a.content_type === 'image/png') || (job.artifacts || []).find((a) => a.content_type === 'image/gif');
    if (thumbnail) {
      const img = document.createElement('img');
      img.src = thumbnail.url;
      img.alt = '';
      button.append(img);
    }
    const title = document.createElement('span');
    title.textContent = describeJob(job);
    const when = document.createElement('span');
    when.className = 'when';
    when.textContent = `${job.status} · ${new Date(job.created_at).toLocaleString()}`;
    button.append(title, when);
    button.setAttribute('aria-label', `Open job ${describeJob(job)}, ${job.status}`);
    button.addEventListener('click', () => {
      const existing = document.querySelector(`#jobs .job[data-job-id="${job.id}"]`);
      const opened = existing || card(job);
      if (!existing) $('#jobs').prepend(opened);
      opened.scrollIntoView();
      opened.querySelector('h3').setAttribute('tabindex', '-1');
      opened.querySelector('h3').focus();
    });
    item.append(button);
    return item;
  });
  if (fromTheStart) $('#history').replaceChildren(...items);
  else $('#history').append(...items);
}

if (apiKey.get()) start();
