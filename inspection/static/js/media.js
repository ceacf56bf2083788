// Photos are downscaled on the phone (long side ≤ 1600 px, JPEG ≈ ≤ 300 KB) before they are stored or sent;
// signatures are drawn with pointer events (finger, pen or mouse) on a canvas.
export const LONG_SIDE = 1600;
export const BUDGET = 300 * 1024;
const QUALITIES = [0.82, 0.72, 0.62, 0.52, 0.42];

async function decode(file) {
  if (self.createImageBitmap) {
    try {
      return await createImageBitmap(file, { imageOrientation: 'from-image' });
    } catch {
      // fall back to an <img>
    }
  }
  const image = new Image();
  const url = URL.createObjectURL(file);
  try {
    image.src = url;
    await image.decode();
    return image;
  } finally {
    URL.revokeObjectURL(url);
  }
}

// Where the phone is, as evidence of where a photo was taken: only when the user permits it, never waiting long.
export function capturePlace() {
  if (!navigator.geolocation) return Promise.resolve(null);
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      ({ coords }) => resolve({ latitude: coords.latitude.toFixed(6), longitude: coords.longitude.toFixed(6) }),
      () => resolve(null),
      { timeout: 8000, maximumAge: 60000 },
    );
  });
}

// A canvas the browser cannot encode (out of memory, too many pixels) gives no blob: that is a failure, not a photo.
const toBlob = (canvas, quality) =>
  new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('JPEG encoding failed'))), 'image/jpeg', quality),
  );

export async function shrink(file) {
  const image = await decode(file);
  let scale = Math.min(1, LONG_SIDE / Math.max(image.width, image.height));
  for (;;) {
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(image.width * scale);
    canvas.height = Math.round(image.height * scale);
    canvas.getContext('2d').drawImage(image, 0, 0, canvas.width, canvas.height);
    for (const quality of QUALITIES) {
      const blob = await toBlob(canvas, quality);
      const lastResort = quality === QUALITIES.at(-1) && scale < 0.3;
      if (blob.size <= BUDGET || lastResort) return { blob, w: canvas.width, h: canvas.height };
    }
    scale *= 0.8; // still too big at a low quality: fewer pixels
  }
}

export function pad(canvas) {
  const context = canvas.getContext('2d');
  let drawing = false;
  let inked = false;
  const pointAt = (event) => {
    const box = canvas.getBoundingClientRect();
    return [
      ((event.clientX - box.left) * canvas.width) / box.width,
      ((event.clientY - box.top) * canvas.height) / box.height,
    ];
  };
  const clear = () => {
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.lineWidth = 5;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.strokeStyle = '#000';
    inked = false;
  };
  canvas.addEventListener('pointerdown', (event) => {
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    context.beginPath();
    context.moveTo(...pointAt(event));
    event.preventDefault();
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drawing) return;
    context.lineTo(...pointAt(event));
    context.stroke();
    inked = true;
  });
  const end = () => {
    drawing = false;
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  clear();
  return { clear, empty: () => !inked, png: () => canvas.toDataURL('image/png') };
}
