// Photos are downscaled on the phone (long side ≤ 1600 px, JPEG ≈ ≤ 300 KB) before they are stored or sent;
// signatures are drawn with pointer events (finger, pen or mouse) on a canvas.
export const LONG_SIDE = 1600;
export const BUDGET = 300 * 1024;

async function decode(file) {
  if (self.createImageBitmap) {
    try { return await createImageBitmap(file, { imageOrientation: 'from-image' }); } catch { /* fall back */ }
  }
  const img = new Image();
  const url = URL.createObjectURL(file);
  try {
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

const toBlob = (canvas, q) => new Promise((ok) => canvas.toBlob(ok, 'image/jpeg', q));

export async function shrink(file) {
  const img = await decode(file);
  let scale = Math.min(1, LONG_SIDE / Math.max(img.width, img.height));
  for (;;) {
    const c = document.createElement('canvas');
    c.width = Math.round(img.width * scale);
    c.height = Math.round(img.height * scale);
    c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
    for (const q of [0.82, 0.72, 0.62, 0.52, 0.42]) {
      const blob = await toBlob(c, q);
      if (blob.size <= BUDGET || (q === 0.42 && scale < 0.3)) return { blob, w: c.width, h: c.height };
    }
    scale *= 0.8; // still too big at a low quality: fewer pixels
  }
}

export function pad(canvas) {
  const g = canvas.getContext('2d');
  let drawing = false;
  let ink = false;
  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
  };
  const clear = () => {
    g.fillStyle = '#fff';
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.lineWidth = 5; g.lineCap = g.lineJoin = 'round'; g.strokeStyle = '#000';
    ink = false;
  };
  canvas.addEventListener('pointerdown', (e) => {
    drawing = true;
    canvas.setPointerCapture(e.pointerId);
    g.beginPath();
    g.moveTo(...at(e));
    e.preventDefault();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    g.lineTo(...at(e));
    g.stroke();
    ink = true;
  });
  const end = () => { drawing = false; };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  clear();
  return { clear, empty: () => !ink, png: () => canvas.toDataURL('image/png') };
}
