// ferrotype's web page: sign in, pick or drop photos, upload each straight to S3 through a
// presigned PUT, follow its job live (WebSocket) or by polling, show the results; below,
// the caller's earlier photos (GET /images), a page at a time, each with its thumbnail over
// its placeholder, its status followed live while in flight, and a delete.
// Plain ES module, no build step. The API is same-origin, so its URLs are relative (the page
// may sit under an API Gateway stage path).

// thumbHashToRGBA and rgbaToDataURL come from the reference ThumbHash decoder,
// assets/thumbhash.js (vendored; its header says from where), which the page function serves
// ahead of this file as one module at /app.js.

const ACCEPTED = [
  "image/jpeg", "image/png", "image/webp", "image/gif", "image/heic", "image/heif", "image/avif",
];
/** Types by extension, for files the browser gives no type (HEIC on most desktops). */
const BY_EXTENSION = { heic: "image/heic", heif: "image/heif", avif: "image/avif" };

/** The file's media type: the browser's, else its extension's. */
function typeOf(file) {
  if (file.type) return file.type;
  const extension = file.name.split(".").pop().toLowerCase();
  return BY_EXTENSION[extension] ?? "";
}
const MAX_BYTES = 50 * 1024 * 1024; // the server's MAX_DIRECT_UPLOAD_BYTES default
const PARALLEL_UPLOADS = 3;
const SUBSCRIBE_BATCH = 25; // the most jobs one subscribe message may name
const STORAGE_KEY = "ferrotype.credential";
const HISTORY_PAGE = 12; // photos per page of the history (GET /images?limit=)

// Empty, or still the placeholder (the page opened without the server): poll.
const LIVE_URL = (() => {
  const url = document.querySelector('meta[name="ferrotype-live"]')?.content.trim() ?? "";
  return /^wss?:\/\//.test(url) ? url : "";
})();

// Server statuses in the order a job goes through them; a late message never moves back.
const RANK = { awaiting_upload: 0, queued: 1, processing: 2, completed: 3, failed: 3, deleted: 3 };

const FAILURES = {
  corrupt_image: "The file is damaged or is not a readable image.",
  image_too_large: "The image has too many pixels to process.",
  unsupported_image_feature: "The image uses a feature that cannot be processed (for example an unusual colour format).",
  unsupported_format: "This kind of file is not supported. Use JPEG, PNG, WebP, GIF, HEIC or AVIF.",
  original_missing: "The uploaded file was not found on the server. Please upload it again.",
  processing_error: "Something went wrong while processing the image. Please try again.",
  internal_error: "The server had a problem with this image. Please try again later.",
  retries_exhausted: "Processing kept failing, so it was given up. Please try again later.",
  upload_expired: "The upload did not finish in time. Please upload the photo again.",
  upload_size_mismatch: "The file that arrived was not the size announced. Please upload it again.",
  upload_type_mismatch: "The file's contents do not match its type (for example a PNG named .jpg).",
};

const OUTPUTS = [
  ["original", "Original"],
  ["thumbnail", "Thumbnail"],
  ["preview", "Preview"],
  ["optimized", "Optimized"],
];

// The variants shown as pictures, and the formats a <picture> offers, best first: the
// browser takes the first <source> it decodes, else the <img>'s JPEG or PNG.
const SHOWN = [
  ["thumbnail", "Thumbnail"],
  ["preview", "Preview"],
];
const FORMATS = [
  ["avif", "AVIF"],
  ["webp", "WebP"],
  ["jpeg", "JPEG"],
  ["png", "PNG"],
];
// How long a placeholder may take to decode before the photo is asked for anyway.
const PLACEHOLDER_WAIT_MS = 300;

const $ = (id) => document.getElementById(id);
const ui = {
  signIn: $("sign-in"),
  signInForm: $("sign-in-form"),
  signInMessage: $("sign-in-message"),
  credential: $("credential"),
  signOut: $("sign-out"),
  who: $("who"),
  whoName: $("who-name"),
  whoDetail: $("who-detail"),
  adopt: $("adopt"),
  adoptWho: $("adopt-who"),
  adoptAccept: $("adopt-accept"),
  adoptDecline: $("adopt-decline"),
  webhook: $("webhook"),
  webhookSecret: $("webhook-secret"),
  webhookReveal: $("webhook-reveal"),
  webhookCopy: $("webhook-copy"),
  webhookRotate: $("webhook-rotate"),
  webhookPrevious: $("webhook-previous"),
  webhookMessage: $("webhook-message"),
  work: $("work"),
  drop: $("drop"),
  files: $("files"),
  jobs: $("jobs"),
  history: $("history"),
  historyTitle: $("history-title"),
  historyMessage: $("history-message"),
  historyList: $("history-list"),
  historyMore: $("history-more"),
};

let credential = null;
/** Every item on the page; `byId` holds those the server knows. */
const items = new Set();
const byId = new Map();
const waiting = [];
let uploading = 0;
// What the page did, shown on <body> for the browser test: data-live (`socket` while the
// WebSocket is open, `polling` while GET /images/{id} stands in, else `idle`),
// data-socket-messages and data-polls.
const stats = { socketMessages: 0, polls: 0 };

// ---- sign-in ------------------------------------------------------------------------

function start() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const offered = fragment.get("token")?.trim() || null;
  if (fragment.has("token")) {
    // Out of the address bar, the history and any bookmark, whatever the answer below.
    history.replaceState(null, "", location.pathname + location.search);
  }
  document.body.dataset.live = "idle";
  if (offered) askToAdopt(offered);
  else resume();

  ui.adoptAccept.addEventListener("click", () => adopt(true));
  ui.adoptDecline.addEventListener("click", () => adopt(false));
  ui.adopt.addEventListener("keydown", (event) => {
    if (event.key === "Escape") adopt(false);
  });
  ui.webhookReveal.addEventListener("click", () => webhook.toggle());
  ui.webhookCopy.addEventListener("click", () => webhook.copy());
  ui.webhookRotate.addEventListener("click", () => webhook.rotate());
  ui.signInForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = ui.credential.value.trim();
    if (!value) return;
    sessionStorage.setItem(STORAGE_KEY, value);
    ui.credential.value = "";
    signIn(value);
  });
  ui.signOut.addEventListener("click", () => signOut(""));
  ui.historyMore.addEventListener("click", () => earlier.load(true));
  ui.files.addEventListener("change", () => {
    addFiles(ui.files.files);
    ui.files.value = ""; // so picking the same file again is a change too
  });
  setUpDropZone();
}

/** The credential this tab holds, if any: signed in with it, else the form. */
function resume() {
  const stored = sessionStorage.getItem(STORAGE_KEY);
  if (stored) signIn(stored);
  else showSignIn("");
}

/** A link's #token= is used only once the person says so (login CSRF: a link made by
 * someone else would sign them in as that someone, their photos going to that account). */
let offeredCredential = null;

function askToAdopt(offered) {
  offeredCredential = offered;
  ui.work.hidden = true;
  ui.signIn.hidden = true;
  ui.who.hidden = true;
  ui.signOut.hidden = true;
  const { name, detail } = describe(offered);
  ui.adoptWho.textContent = detail ? `${name} (${detail})` : name;
  ui.adopt.hidden = false;
  ui.adoptAccept.focus();
}

function adopt(accepted) {
  const offered = offeredCredential;
  offeredCredential = null;
  ui.adopt.hidden = true;
  if (accepted && offered) {
    sessionStorage.setItem(STORAGE_KEY, offered);
    signIn(offered);
  } else {
    resume(); // the link's credential is dropped; the tab's own, if any, stays
  }
}

/** Who a credential stands for, for display only: the API checks it, the page cannot. An
 * API key shows the start of its key id, a JWT its subject and issuer. */
function describe(value) {
  const key = /^ftk_([0-9a-f]{16})_/i.exec(value);
  if (key) return { name: `API key ftk_${key[1].slice(0, 8)}…`, detail: "" };
  const parts = value.split(".");
  if (parts.length === 3) {
    try {
      const base64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
      const bytes = Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "=")),
        (c) => c.charCodeAt(0));
      const claims = JSON.parse(new TextDecoder().decode(bytes));
      if (typeof claims.sub === "string" && claims.sub) {
        const issuer = typeof claims.iss === "string" ? claims.iss : "";
        return { name: clip(claims.sub), detail: issuer ? `issuer ${clip(issuer)}` : "" };
      }
    } catch {
      // Not a JWT after all: said below.
    }
  }
  return { name: "a credential of unknown form", detail: "" };
}

function clip(text) {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function signIn(value) {
  credential = value;
  ui.signIn.hidden = true;
  ui.signInMessage.hidden = true;
  ui.work.hidden = false;
  ui.signOut.hidden = false;
  const { name, detail } = describe(value);
  ui.whoName.textContent = name;
  ui.whoDetail.textContent = detail;
  ui.who.hidden = false;
  webhook.load();
  earlier.load(false);
}

function showSignIn(message) {
  ui.work.hidden = true;
  ui.signOut.hidden = true;
  ui.who.hidden = true;
  webhook.reset();
  ui.signIn.hidden = false;
  ui.signInMessage.textContent = message;
  ui.signInMessage.hidden = !message;
  ui.credential.focus();
}

/** Forget the credential and everything done with it. */
function signOut(message) {
  credential = null;
  sessionStorage.removeItem(STORAGE_KEY);
  for (const item of items) {
    item.done = true;
    item.xhr?.abort();
    clearTimeout(item.timer);
  }
  items.clear();
  byId.clear();
  placeholders.forget();
  waiting.length = 0;
  ui.jobs.replaceChildren();
  earlier.reset();
  live.close();
  showSignIn(message);
}

// ---- files --------------------------------------------------------------------------

function setUpDropZone() {
  const zone = ui.drop;
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", (event) => {
    if (!zone.contains(event.relatedTarget)) zone.classList.remove("dragging");
  });
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    addFiles(event.dataTransfer.files);
  });
  // A photo dropped beside the zone would otherwise replace the page.
  for (const type of ["dragover", "drop"]) {
    window.addEventListener(type, (event) => event.preventDefault());
  }
}

/** The newest pick goes on top, its files in the order they were picked. */
function addFiles(files) {
  const batch = [...files].map(newItem);
  ui.jobs.prepend(...batch.map((item) => item.el));
  for (const item of batch) {
    items.add(item);
    const refusal = refuse(item.file);
    if (refusal) setState(item, "error", refusal);
    else queueUpload(item);
  }
}

function refuse(file) {
  if (!ACCEPTED.includes(typeOf(file))) {
    return "Not uploaded: this is not a JPEG, PNG, WebP, GIF, HEIC or AVIF image.";
  }
  if (file.size > MAX_BYTES) {
    return `Not uploaded: the file is ${size(file.size)}; the limit is 50 MB.`;
  }
  if (file.size === 0) return "Not uploaded: the file is empty.";
  return null;
}

function newItem(file) {
  const progress = el("progress", { max: String(file.size || 1), value: "0" });
  progress.setAttribute("aria-label", `Upload of ${file.name}`);
  const status = el("p", { class: "status", "aria-live": "polite" });
  const result = el("div", { class: "result", hidden: "" });
  const li = el(
    "li",
    { class: "job" },
    el("p", { class: "file" }, el("span", { class: "name" }, file.name), " ",
      el("span", { class: "meta" }, size(file.size))),
    progress,
    status,
    result,
  );
  return { file, el: li, progress, status, result, id: null, server: null, done: false,
           mode: null, timer: 0, xhr: null };
}

/** data-state is one of uploading, queued, processing, completed, failed, error. */
function setState(item, state, words) {
  item.el.dataset.state = state;
  item.status.textContent = words;
  if (["completed", "failed", "error"].includes(state)) {
    item.done = true;
    item.el.dataset.endedAt = String(Date.now());
    item.progress.hidden = true;
    clearTimeout(item.timer);
  }
}

// ---- upload -------------------------------------------------------------------------

function queueUpload(item) {
  setState(item, "uploading", "Waiting to upload…");
  waiting.push(item);
  pump();
}

function pump() {
  while (uploading < PARALLEL_UPLOADS && waiting.length) {
    const item = waiting.shift();
    uploading += 1;
    upload(item).finally(() => {
      uploading -= 1;
      pump();
    });
  }
}

async function upload(item) {
  const { file } = item;
  setState(item, "uploading", `Uploading ${size(file.size)}…`);
  let session;
  try {
    ({ body: session } = await api("uploads", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ content_type: typeOf(file), content_length: file.size }),
    }));
  } catch (error) {
    if (!item.done) failUpload(item, `Not uploaded: ${error.message}`);
    return;
  }
  if (item.done) return; // signed out meanwhile
  item.id = session.id;
  item.el.dataset.jobId = session.id;
  byId.set(session.id, item);
  try {
    await put(item, session.upload);
  } catch (error) {
    if (!item.done) failUpload(item, error.message);
    return;
  }
  if (item.done) return;
  item.el.dataset.uploadedAt ??= String(Date.now());
  applyStatus(item, { status: "awaiting_upload" });
  watch(item);
}

/** The presigned PUT, with XMLHttpRequest for its upload progress. */
function put(item, upload) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    item.xhr = xhr;
    xhr.open(upload.method || "PUT", upload.url);
    // Every header the API gives, If-None-Match: * included: it is signed into the URL,
    // which writes its object once (a second PUT gets 412).
    for (const [name, value] of Object.entries(upload.headers ?? {})) {
      // The browser sets these itself and refuses them from scripts.
      if (!["content-length", "host", "connection"].includes(name.toLowerCase())) {
        xhr.setRequestHeader(name, value);
      }
    }
    xhr.upload.addEventListener("progress", (event) => {
      if (!event.lengthComputable) return;
      item.progress.max = event.total;
      item.progress.value = event.loaded;
      if (event.loaded === event.total) item.el.dataset.uploadedAt ??= String(Date.now());
    });
    xhr.addEventListener("load", () => {
      item.xhr = null;
      if (xhr.status >= 200 && xhr.status < 300) {
        item.progress.value = item.progress.max;
        resolve();
      } else if (xhr.status === 412) {
        reject(new Error("This upload URL was already used; start a new upload."));
      } else {
        // S3 explains itself in XML: <Error><Message>…</Message></Error>.
        const why = xhr.responseXML?.querySelector("Message")?.textContent;
        reject(new Error(`The storage refused the upload (HTTP ${xhr.status}${why ? `: ${why}` : ""}).`));
      }
    });
    xhr.addEventListener("error", () => {
      item.xhr = null;
      reject(new Error("The upload failed: the connection to the storage broke. Please try again."));
    });
    xhr.addEventListener("abort", () => reject(new Error("The upload was stopped.")));
    xhr.send(item.file);
  });
}

/** An upload that can be tried again with the same file (a new session). */
function failUpload(item, words) {
  setState(item, "error", words);
  const again = el("button", { type: "button", class: "quiet" }, "Try again");
  again.addEventListener("click", () => {
    if (item.id) byId.delete(item.id);
    item.id = null;
    item.server = null;
    item.done = false;
    delete item.el.dataset.jobId;
    delete item.el.dataset.uploadedAt;
    delete item.el.dataset.endedAt;
    item.progress.value = 0;
    item.progress.hidden = false;
    item.result.hidden = true;
    item.result.replaceChildren();
    queueUpload(item);
  });
  item.result.replaceChildren(again);
  item.result.hidden = false;
}

// ---- the API ------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, message, retryAfter) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

/** A call to the API with the credential; a 401 signs out. Errors carry words to show. */
async function api(path, init = {}) {
  let response;
  try {
    response = await fetch(path, {
      ...init,
      cache: "no-store",
      headers: { ...init.headers, Authorization: `Bearer ${credential}` },
    });
  } catch {
    throw new ApiError(0, "the server could not be reached. Check your connection and try again.");
  }
  const retryAfter = Number.parseInt(response.headers.get("Retry-After") ?? "", 10) || null;
  if (response.status === 401) {
    const why = (await problem(response, null)).replace(/\.$/, "");
    signOut(`The API key or token was not accepted (${why}). Please sign in again.`);
    throw new ApiError(401, "the API key or token was not accepted.");
  }
  if (!response.ok) {
    throw new ApiError(response.status, await problem(response, retryAfter), retryAfter);
  }
  return { body: response.status === 204 ? null : await response.json(), retryAfter };
}

/** The words of an RFC 9457 problem document, or of the status when there is none. */
async function problem(response, retryAfter) {
  let words = `the server answered ${response.status}.`;
  try {
    const doc = await response.json();
    if (doc.detail || doc.title) words = String(doc.detail || doc.title);
  } catch {
    // Not JSON (a proxy's page): the status will do.
  }
  if (response.status === 429 && retryAfter) words += ` Try again in ${retryAfter} s.`;
  return words;
}

// ---- following a job ----------------------------------------------------------------

/** A job's document, from either channel, onto its item. */
function applyStatus(item, job) {
  if (item.done || item.finishing) return;
  if (item.server && (RANK[job.status] ?? -1) < RANK[item.server]) return;
  item.server = job.status;
  switch (job.status) {
    case "awaiting_upload":
      return setState(item, "queued", "Uploaded. Waiting for the server to take it…");
    case "queued":
      return setState(item, "queued", "Uploaded. Waiting in line to be processed…");
    case "processing":
      return setState(item, "processing", item.card ? "Processing…" : "Processing: making the thumbnail, preview and optimized copy…");
    case "completed":
      return complete(item, job);
    case "failed": {
      const code = job.error?.code;
      const words = FAILURES[code] ?? job.error?.message ?? "Processing failed.";
      return setState(item, "failed", `Failed: ${words}`);
    }
    case "deleted":
      return setState(item, "error", "This job was deleted.");
    default:
      return undefined;
  }
}

/** Completed: one GET for the links (a live message carries sizes only), then show them. */
async function complete(item, job) {
  item.finishing = true;
  let doc = job.outputs?.original?.url ? job : null;
  for (let attempt = 0; !doc && attempt < 3; attempt += 1) {
    try {
      ({ body: doc } = await api(`images/${encodeURIComponent(item.id)}`));
    } catch (error) {
      if (error.status === 401 || item.done) return;
      await sleep(1000 * 2 ** attempt);
    }
  }
  item.finishing = false;
  if (item.done) return;
  if (!doc?.outputs) {
    return setState(item, "error", "Processed, but the download links could not be fetched. Reload the page to try again.");
  }
  if (item.card) return earlier.show(item, smallest(doc.variants), doc.placeholder);
  showOutputs(item, doc);
  setState(item, "completed", "Done: ready to download.");
}

function showOutputs(item, doc) {
  const { outputs } = doc;
  const placeholder = placeholders.of(doc.placeholder);
  const figures = SHOWN.map(([name, caption]) => figure(item, doc, name, caption, placeholder))
    .filter(Boolean);
  const downloads = el("ul", { class: "downloads" });
  for (const [name, label] of OUTPUTS) {
    const output = outputs[name];
    if (!output) continue;
    downloads.append(el("li", {},
      el("a", { href: output.url, download: "", target: "_blank", rel: "noreferrer",
                class: `download-${name}` }, label),
      ` ${output.width}×${output.height}, ${size(output.bytes)}`));
  }
  const expires = doc.expires_at ? new Date(doc.expires_at) : null;
  item.result.replaceChildren(
    figures.length ? el("div", { class: "images" }, ...figures) : "",
    el("h3", {}, "Downloads"),
    downloads,
    expires && !Number.isNaN(expires.getTime())
      ? el("p", { class: "hint" }, `The links work until ${expires.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}.`)
      : "",
  );
  item.result.hidden = false;
}

/** One variant as a <picture>: a <source> per AVIF and WebP file, the JPEG or PNG as its
 * <img> (sized from the document, so nothing moves when it arrives), over the placeholder
 * (the dominant colour, then the ThumbHash) until it has loaded. Under it, each format's
 * size. A document from before variants gives the `outputs` file alone. */
function figure(item, doc, name, caption, placeholder) {
  const variant = doc.variants?.[name];
  const formats = variant?.formats ?? {};
  const fallback = formats.jpeg ?? formats.png ?? doc.outputs?.[name];
  const width = variant?.width ?? fallback?.width;
  const height = variant?.height ?? fallback?.height;
  if (!fallback?.url || !width || !height) return null;

  const photo = el("img", { class: "photo", alt: `${caption} of ${item.file.name}`,
                            width: String(width), height: String(height) });
  const modern = ["avif", "webp"].filter((format) => formats[format]?.url);
  const sources = modern.map((format) =>
    el("source", { type: formats[format].content_type || `image/${format}` }));
  const picture = el("picture", {}, ...sources, photo);
  const frame = el("div", { class: "frame" });
  frame.dataset.variant = name;
  frame.style.aspectRatio = `${width} / ${height}`;
  // Not width: a fixed width would be the grid's minimum and widen the page on a phone.
  frame.style.maxWidth = `${width}px`;
  let cover = null;
  if (placeholder) {
    frame.style.setProperty("--placeholder", placeholder.color);
    frame.dataset.placeholder = "color";
    if (placeholder.url) {
      cover = el("img", { class: "placeholder", alt: "", src: placeholder.url });
      cover.setAttribute("aria-hidden", "true");
      frame.append(cover);
    }
  }
  frame.append(picture);
  photo.addEventListener("load", () => { frame.dataset.loaded = String(Date.now()); });
  photo.addEventListener("error", () => { frame.dataset.loaded = "error"; });

  // The photo is asked for once the placeholder shows (a few ms: it is a blob), so the
  // placeholder is always what a slow connection sees first.
  const ask = () => {
    modern.forEach((format, index) => sources[index].setAttribute("srcset", formats[format].url));
    photo.setAttribute("src", fallback.url);
  };
  if (cover) {
    Promise.race([cover.decode(), sleep(PLACEHOLDER_WAIT_MS).then(() => Promise.reject())])
      .then(() => { frame.dataset.placeholder = "thumbhash"; }, () => {})
      .finally(ask);
  } else {
    ask();
  }

  const sizes = FORMATS.filter(([format]) => formats[format])
    .map(([format, label]) => el("span", { "data-format": format },
      `${label} ${kilobytes(formats[format].bytes)}`));
  const line = el("span", { class: "formats" });
  sizes.forEach((span, index) => line.append(index ? " · " : "", span));
  return el("figure", {}, frame,
    el("figcaption", {}, `${caption}, ${width}×${height}`, sizes.length ? el("br", {}) : "", line));
}

/** Each job's placeholder as an image: the reference decoder's PNG, as a blob: URL (the
 * page's CSP allows blob: images, not data:). Kept until sign-out. */
const placeholders = {
  urls: [],

  /** { color, url } from a document's `placeholder`, url null when the hash is unreadable;
   * null when there is no placeholder or its colour is not #rrggbb. */
  of(placeholder) {
    const color = String(placeholder?.color ?? "");
    if (!/^#[0-9a-f]{6}$/i.test(color)) return null;
    let url = null;
    try {
      const hash = Uint8Array.from(atob(String(placeholder.thumbhash)), (c) => c.charCodeAt(0));
      if (hash.length < 5) throw new Error("too short for a ThumbHash");
      const image = thumbHashToRGBA(hash);
      const png = rgbaToDataURL(image.w, image.h, image.rgba).split(",")[1];
      const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
      url = URL.createObjectURL(new Blob([bytes], { type: "image/png" }));
      this.urls.push(url);
    } catch {
      // The colour alone will do.
    }
    return { color, url };
  },

  forget() {
    for (const url of this.urls) URL.revokeObjectURL(url);
    this.urls = [];
  },
};

/** Unfinished jobs the server knows, to follow on whichever channel works. */
function unfinished() {
  return [...byId.values()].filter((item) => !item.done && item.mode);
}

function watch(item) {
  if (!LIVE_URL) return poll(item);
  if (live.open) {
    item.mode = "socket";
    return live.subscribe([item]);
  }
  item.mode = "socket";
  if (live.retryTimer) return poll(item); // the socket is down: poll until it is back
  return live.connect(); // subscribes every unfinished job once open
}

/** Polls GET /images/{id} until the job ends or the socket takes over again. */
function poll(item, delay = 0) {
  item.mode = "poll";
  clearTimeout(item.timer);
  if (document.body.dataset.live !== "socket") document.body.dataset.live = "polling";
  item.timer = setTimeout(async () => {
    item.timer = 0;
    if (item.done || item.mode !== "poll") return;
    let next = 2;
    try {
      const { body, retryAfter } = await api(`images/${encodeURIComponent(item.id)}`);
      stats.polls += 1;
      document.body.dataset.polls = String(stats.polls);
      applyStatus(item, body);
      next = retryAfter ?? 1;
    } catch (error) {
      if (error.status === 401) return;
      if (error.status === 404) return setState(item, "error", "The server no longer knows this job (it may have been deleted).");
      next = error.retryAfter ?? 5;
    }
    if (!item.done && item.mode === "poll") poll(item, Math.max(1, next) * 1000);
  }, delay);
}

/** The one WebSocket of the page: opened on first need, reopened with backoff. */
const live = {
  socket: null,
  open: false,
  retryTimer: 0,
  retryDelay: 1000,
  renewTimer: 0,

  connect() {
    clearTimeout(this.retryTimer);
    this.retryTimer = 0;
    if (this.socket || !credential) return;
    if (!unfinished().length) {
      document.body.dataset.live = "idle"; // opened again on the next need
      return;
    }
    const socket = new WebSocket(LIVE_URL);
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.open = true;
      this.retryDelay = 1000;
      document.body.dataset.live = "socket";
      const items = unfinished();
      for (const item of items) {
        clearTimeout(item.timer);
        item.mode = "socket";
      }
      this.subscribe(items);
      this.scheduleRenewal();
    });
    socket.addEventListener("message", (event) => this.receive(event.data));
    // "error" is always followed by "close".
    socket.addEventListener("close", () => {
      if (this.socket !== socket) return;
      clearTimeout(this.renewTimer);
      this.socket = null;
      this.open = false;
      this.down();
    });
  },

  /** Subscriptions end with the token (or after two hours), and API Gateway closes a socket
   * idle for 10 minutes: subscribe the followed jobs again every 9 minutes, or 30 s before
   * the token expires if sooner, with the credential held then. */
  scheduleRenewal() {
    clearTimeout(this.renewTimer);
    const expiry = tokenExpiry(credential);
    const untilExpiry = expiry ? expiry - Date.now() - 30_000 : Infinity;
    const delay = Math.max(10_000, Math.min(9 * 60_000, untilExpiry));
    this.renewTimer = setTimeout(() => {
      if (!this.open || !this.socket || !credential) return;
      const followed = unfinished().filter((item) => item.mode === "socket");
      if (followed.length) this.subscribe(followed);
      this.scheduleRenewal();
    }, delay);
  },

  /** Poll the unfinished jobs and try the socket again later. */
  down() {
    const items = unfinished();
    document.body.dataset.live = items.length ? "polling" : "idle";
    if (!items.length) return; // reopened on the next need
    for (const item of items) poll(item);
    this.retryTimer = setTimeout(() => this.connect(), this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, 60_000);
  },

  subscribe(items) {
    for (let i = 0; i < items.length; i += SUBSCRIBE_BATCH) {
      const jobs = items.slice(i, i + SUBSCRIBE_BATCH).map((item) => item.id);
      this.socket.send(JSON.stringify({ action: "subscribe", token: credential, jobs }));
    }
  },

  receive(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    stats.socketMessages += 1;
    document.body.dataset.socketMessages = String(stats.socketMessages);
    if (message.type === "status" && message.job) {
      const item = byId.get(message.job.id);
      if (item) applyStatus(item, message.job);
    } else if (message.type === "error") {
      // The channel would not follow these jobs (or any, without a list): the status
      // route answers for them instead, and says so if the credential is the trouble.
      const named = (message.jobs ?? []).map((id) => byId.get(id)).filter(Boolean);
      for (const item of named.length ? named : unfinished()) {
        if (!item.done && item.mode === "socket") poll(item);
      }
    }
  },

  close() {
    clearTimeout(this.retryTimer);
    clearTimeout(this.renewTimer);
    this.retryTimer = 0;
    const { socket } = this;
    this.socket = null;
    this.open = false;
    socket?.close();
    document.body.dataset.live = "idle";
  },
};

/** When a JWT credential expires (ms since the epoch), or null (an API key, or no `exp`). */
function tokenExpiry(value) {
  const parts = String(value ?? "").split(".");
  if (parts.length !== 3) return null;
  try {
    const base64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "=")));
    return typeof claims.exp === "number" ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

// ---- the caller's earlier photos ----------------------------------------------------

/** GET /images, a page of HISTORY_PAGE at a time: a card per job, newest first. Cards of
 * jobs still in flight are followed like the page's own uploads; each card can be deleted. */
const earlier = {
  cursor: null,
  generation: 0, // a sign-out or a new sign-in makes an older answer moot
  loading: false,

  async load(more) {
    if (this.loading || (more && !this.cursor)) return;
    if (!more) this.reset();
    const generation = this.generation;
    this.loading = true;
    ui.historyMore.disabled = true;
    ui.history.hidden = false;
    ui.history.setAttribute("aria-busy", "true");
    ui.historyMessage.textContent = more ? "Loading older photos…" : "Loading your photos…";
    const query = new URLSearchParams({ limit: String(HISTORY_PAGE) });
    if (more) query.set("cursor", this.cursor);
    try {
      const { body } = await api(`images?${query}`);
      if (generation !== this.generation || !credential) return;
      const cards = (body.items ?? []).filter((entry) => !byId.has(entry.id)).map((entry) => this.card(entry));
      ui.historyList.append(...cards.map((item) => item.el));
      this.cursor = body.next_cursor ?? null;
      ui.historyMore.hidden = !this.cursor;
      const shown = ui.historyList.children.length;
      ui.historyMessage.textContent = shown
        ? `${shown} photo${shown === 1 ? "" : "s"} shown${this.cursor ? "; older ones below" : ""}.`
        : "No photos yet: the ones you upload are listed here.";
      if (more) cards[0]?.el.querySelector("button.delete")?.focus();
    } catch (error) {
      if (generation === this.generation && error.status !== 401) {
        ui.historyMessage.textContent = `Your photos could not be listed: ${error.message}`;
      }
    } finally {
      if (generation === this.generation) {
        this.loading = false;
        ui.historyMore.disabled = false;
        ui.history.removeAttribute("aria-busy");
      }
    }
  },

  reset() {
    this.generation += 1;
    this.loading = false;
    this.cursor = null;
    for (const li of ui.historyList.children) {
      const item = byId.get(li.dataset.jobId);
      if (item?.card) {
        item.done = true;
        clearTimeout(item.timer);
        byId.delete(item.id);
        items.delete(item);
      }
    }
    ui.historyList.replaceChildren();
    ui.historyMore.hidden = true;
    ui.historyMessage.textContent = "";
    ui.history.hidden = true;
  },

  /** One job of the list as a card, followed when still in flight. */
  card(entry) {
    const when = new Date(entry.created_at);
    const date = Number.isNaN(when.getTime()) ? "at an unknown time"
      : when.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
    const name = `Photo of ${date}`;
    const status = el("p", { class: "status", "aria-live": "polite" });
    const result = el("div", { class: "result" });
    const remove = el("button", { type: "button", class: "quiet delete" }, "Delete");
    remove.setAttribute("aria-label", `Delete the photo of ${date}`);
    const li = el("li", { class: "card" },
      result,
      el("p", { class: "file" }, el("span", { class: "name" }, name), " ",
        el("span", { class: "meta" }, size(Number(entry.source?.bytes) || 0))),
      status,
      el("div", { class: "actions" }, remove));
    li.dataset.jobId = entry.id;
    const item = { file: { name: name.toLowerCase() }, el: li, progress: { hidden: true }, status,
                   result, id: entry.id, server: null, done: false, mode: null, timer: 0,
                   xhr: null, card: true };
    remove.addEventListener("click", () => this.askDelete(item, remove));
    items.add(item);
    byId.set(entry.id, item);
    if (entry.status === "completed") {
      item.server = "completed";
      this.show(item, entry.thumbnail, entry.placeholder);
    } else {
      applyStatus(item, entry);
      if (!item.done) watch(item);
    }
    return item;
  },

  /** A completed card: its thumbnail over its placeholder. */
  show(item, thumbnail, placeholder) {
    const shown = thumbnail
      ? figure(item, { variants: { [thumbnail.variant ?? "thumbnail"]: thumbnail } },
        thumbnail.variant ?? "thumbnail", "Thumbnail", placeholders.of(placeholder))
      : null;
    item.result.replaceChildren(shown ?? "");
    setState(item, "completed", "Done.");
  },

  /** Delete asks once more: the button turns into a confirmation beside a way back. */
  askDelete(item, button) {
    if (button.dataset.confirm) return this.remove(item, button);
    button.dataset.confirm = "true";
    button.textContent = "Confirm delete";
    const cancel = el("button", { type: "button", class: "quiet" }, "Keep it");
    cancel.addEventListener("click", () => {
      delete button.dataset.confirm;
      button.textContent = "Delete";
      cancel.remove();
      button.focus();
    });
    button.after(cancel);
    return undefined;
  },

  async remove(item, button) {
    button.disabled = true;
    try {
      await api(`images/${encodeURIComponent(item.id)}`, { method: "DELETE" });
    } catch (error) {
      button.disabled = false;
      if (error.status !== 401) item.status.textContent = `Not deleted: ${error.message}`;
      return;
    }
    item.done = true;
    clearTimeout(item.timer);
    byId.delete(item.id);
    items.delete(item);
    // The keyboard stays in the list: on the next card's delete, else the heading.
    const next = item.el.nextElementSibling ?? item.el.previousElementSibling;
    item.el.remove();
    ui.historyMessage.textContent = "Deleted.";
    (next?.querySelector("button.delete") ?? ui.historyTitle).focus();
  },
};

/** The smallest variant of a status document's `variants` (by area), with its name. */
function smallest(variants) {
  let best = null;
  for (const [variant, value] of Object.entries(variants ?? {})) {
    if (variant === "thumbnail") return { variant, ...value };
    if (!best || value.width * value.height < best.width * best.height) best = { variant, ...value };
  }
  return best;
}

// ---- the caller's webhook secret ----------------------------------------------------

/** GET /webhook-secret and POST /webhook-secret/rotate: the secret shown masked until asked,
 * copied or rotated. Where the API has no such route (404) the section stays hidden. */
const webhook = {
  doc: null,
  revealed: false,
  generation: 0, // a sign-out or a new sign-in makes an older answer moot

  async load() {
    this.reset();
    const generation = this.generation;
    try {
      const { body } = await api("webhook-secret");
      if (generation !== this.generation || !credential) return;
      this.doc = body;
      this.render();
      ui.webhook.hidden = false;
    } catch {
      // 404: not on this API. Other failures: nothing to show either (a 401 signed out).
    }
  },

  reset() {
    this.generation += 1;
    this.doc = null;
    this.revealed = false;
    ui.webhook.hidden = true;
    ui.webhookSecret.textContent = "";
    ui.webhookPrevious.hidden = true;
    ui.webhookMessage.textContent = "";
  },

  render() {
    const secret = String(this.doc?.secret ?? "");
    ui.webhookSecret.textContent = this.revealed ? secret : mask(secret);
    ui.webhookReveal.textContent = this.revealed ? "Hide" : "Show";
    ui.webhookReveal.setAttribute("aria-pressed", String(this.revealed));
    const previous = this.doc?.previous;
    const until = previous?.expires_at ? new Date(previous.expires_at) : null;
    ui.webhookPrevious.hidden = !until || Number.isNaN(until.getTime());
    if (!ui.webhookPrevious.hidden) {
      ui.webhookPrevious.textContent = `The previous secret (${mask(String(previous.secret ?? ""))}) `
        + `still signs until ${until.toLocaleString([], { dateStyle: "medium", timeStyle: "short" })}.`;
    }
  },

  toggle() {
    this.revealed = !this.revealed;
    this.render();
  },

  async copy() {
    const secret = this.doc?.secret;
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret);
      ui.webhookMessage.textContent = "Copied to the clipboard.";
    } catch {
      // No clipboard (an insecure origin, or refused): show it selected, to copy by hand.
      this.revealed = true;
      this.render();
      getSelection().selectAllChildren(ui.webhookSecret);
      ui.webhookMessage.textContent = "The browser would not copy it: it is shown and selected, copy it yourself.";
    }
  },

  async rotate() {
    const generation = this.generation;
    ui.webhookRotate.disabled = true;
    ui.webhookMessage.textContent = "Rotating…";
    try {
      const { body } = await api("webhook-secret/rotate", { method: "POST" });
      if (generation !== this.generation) return;
      this.doc = body;
      this.revealed = false;
      this.render();
      ui.webhookMessage.textContent = "Rotated: webhooks carry a signature with the new secret within a minute, beside the previous one until it expires.";
    } catch (error) {
      if (generation === this.generation) ui.webhookMessage.textContent = `Not rotated: ${error.message}`;
    } finally {
      ui.webhookRotate.disabled = false;
    }
  },
};

/** A secret with its middle hidden: its kind and last four characters tell rotations apart. */
function mask(secret) {
  if (!secret) return "";
  const kind = secret.startsWith("whsec_") ? "whsec_" : "";
  return `${kind}${"•".repeat(16)}${secret.slice(-4)}`;
}

// ---- small helpers ------------------------------------------------------------------

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function size(bytes) {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Decimal kilobytes, as the format sizes under a picture: "12.3 kB". */
function kilobytes(bytes) {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

start();
