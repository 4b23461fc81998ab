// The duration of an MP4 file, read in the browser before anything is
// uploaded: the top-level boxes are walked by reading only their 16-byte
// headers (File.slice), so a large mdat is skipped, not read; moov's mvhd
// gives timescale and duration. When that fails (a file that is not what its
// name says), a <video> element's metadata is the second opinion. The server
// checks every clip again (shared/mp4): this only spares a long upload.

const HEAD = 16;

async function bytes(file, start, length) {
  return new DataView(await file.slice(start, start + length).arrayBuffer());
}

function type(view, at) {
  return String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
}

/** A box's header at offset: {type, size, header} (size 0: to the end), or null. */
async function boxAt(file, offset, end) {
  if (offset + 8 > end) return null;
  const v = await bytes(file, offset, HEAD);
  if (v.byteLength < 8) return null;
  let size = v.getUint32(0);
  let header = 8;
  if (size === 1) {
    if (v.byteLength < 16) return null;
    size = v.getUint32(8) * 2 ** 32 + v.getUint32(12);
    header = 16;
  } else if (size === 0) {
    size = end - offset;
  }
  if (size < header || offset + size > end) return null;
  return { type: type(v, 4), size, header };
}

/** The first child box of type within [start, end), or null. */
async function find(file, start, end, want) {
  for (let at = start, n = 0; at < end && n < 10000; n++) {
    const b = await boxAt(file, at, end);
    if (!b) return null;
    if (b.type === want) return { ...b, offset: at };
    at += b.size;
  }
  return null;
}

/** Seconds stated by moov/mvhd, or NaN. */
export async function mp4HeaderDuration(file) {
  try {
    const moov = await find(file, 0, file.size, 'moov');
    if (!moov) return NaN;
    const mvhd = await find(file, moov.offset + moov.header, moov.offset + moov.size, 'mvhd');
    if (!mvhd) return NaN;
    const v = await bytes(file, mvhd.offset + mvhd.header, 32);
    const version = v.getUint8(0);
    const timescale = version === 1 ? v.getUint32(20) : v.getUint32(12);
    const duration = version === 1 ? v.getUint32(24) * 2 ** 32 + v.getUint32(28) : v.getUint32(16);
    return timescale > 0 ? duration / timescale : NaN;
  } catch (e) {
    return NaN;
  }
}

/** Seconds a <video> element reads from the file's metadata, or NaN (within timeoutMs). */
export function videoDuration(file, timeoutMs = 5000) {
  return new Promise((resolve) => {
    const video = document.createElement('video');
    const url = URL.createObjectURL(file);
    let done = false;
    const finish = (v) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      video.removeAttribute('src');
      video.load();
      URL.revokeObjectURL(url);
      resolve(v);
    };
    const timer = setTimeout(() => finish(NaN), timeoutMs);
    video.preload = 'metadata';
    video.muted = true;
    video.onloadedmetadata = () => finish(Number.isFinite(video.duration) ? video.duration : NaN);
    video.onerror = () => finish(NaN);
    video.src = url;
  });
}

/** The clip's duration in seconds: the MP4 header's, else the <video> element's, else NaN. */
export async function clipDuration(file) {
  const d = await mp4HeaderDuration(file);
  return Number.isFinite(d) ? d : videoDuration(file);
}
