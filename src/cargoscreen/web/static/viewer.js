// cargoscreen scan viewer: zoom and pan, window/level, channel switch, AI overlay, region of interest.
// Plain JavaScript on a <canvas>; images come from the scan's renditions (same origin, session cookie).
(function () {
  "use strict";
  const canvas = document.getElementById("viewer");
  if (!canvas) return;
  const ctx = canvas.getContext("2d");
  const base = canvas.dataset.base;
  const boxes = JSON.parse(canvas.dataset.boxes || "[]");
  const mmPerPx = parseFloat(canvas.dataset.mm || "0");
  const $ = (id) => document.getElementById(id);
  const state = { image: null, shown: null, heat: null, scale: 1, x: 0, y: 0, drag: null, roi: null };

  function load(src) {
    return new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => resolve(img);
      img.onerror = () => reject(new Error("cannot load " + src));
      img.src = src;
    });
  }

  // Window/level remaps the 8-bit display image: [level - window/2, level + window/2] -> [0, 255].
  function applyWindow() {
    if (!state.image) return;
    const level = +$("level").value, width = +$("window").value;
    const off = document.createElement("canvas");
    off.width = state.image.naturalWidth; off.height = state.image.naturalHeight;
    const octx = off.getContext("2d");
    octx.drawImage(state.image, 0, 0);
    const data = octx.getImageData(0, 0, off.width, off.height);
    const lut = new Uint8ClampedArray(256);
    for (let v = 0; v < 256; v++) lut[v] = ((v - (level - width / 2)) / width) * 255;
    const px = data.data;
    for (let i = 0; i < px.length; i += 4) { px[i] = lut[px[i]]; px[i + 1] = lut[px[i + 1]]; px[i + 2] = lut[px[i + 2]]; }
    octx.putImageData(data, 0, 0);
    state.shown = off;
    draw();
  }

  function fit() {
    if (!state.image) return;
    state.scale = Math.min(canvas.width / state.image.naturalWidth, canvas.height / state.image.naturalHeight);
    state.x = (canvas.width - state.image.naturalWidth * state.scale) / 2;
    state.y = (canvas.height - state.image.naturalHeight * state.scale) / 2;
    draw();
  }

  function draw() {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#000"; ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (!state.shown) return;
    ctx.setTransform(state.scale, 0, 0, state.scale, state.x, state.y);
    ctx.imageSmoothingEnabled = state.scale < 1;
    ctx.drawImage(state.shown, 0, 0);
    if ($("overlay").checked) {
      if (state.heat) { ctx.globalAlpha = 0.55; ctx.drawImage(state.heat, 0, 0, state.image.naturalWidth, state.image.naturalHeight); ctx.globalAlpha = 1; }
      ctx.lineWidth = 2 / state.scale; ctx.strokeStyle = "#ff3b30";
      for (const b of boxes) ctx.strokeRect(b[0], b[1], b[2] - b[0], b[3] - b[1]);
    }
    if (state.roi) {
      const r = state.roi;
      ctx.lineWidth = 2 / state.scale; ctx.strokeStyle = "#3bd1ff"; ctx.setLineDash([6 / state.scale, 4 / state.scale]);
      ctx.strokeRect(r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0); ctx.setLineDash([]);
    }
  }

  function toImage(event) {
    const rect = canvas.getBoundingClientRect();
    const cx = (event.clientX - rect.left) * (canvas.width / rect.width);
    const cy = (event.clientY - rect.top) * (canvas.height / rect.height);
    return { cx, cy, x: (cx - state.x) / state.scale, y: (cy - state.y) / state.scale };
  }

  function zoom(factor, cx, cy) {
    state.x = cx - (cx - state.x) * factor; state.y = cy - (cy - state.y) * factor; state.scale *= factor; draw();
  }

  async function showChannel(name) {
    state.image = await load(base + name);
    applyWindow();
    if (!state.shown || state.scale === 1) fit();
  }

  canvas.addEventListener("wheel", (e) => { e.preventDefault(); const p = toImage(e); zoom(e.deltaY < 0 ? 1.25 : 0.8, p.cx, p.cy); }, { passive: false });
  canvas.addEventListener("pointerdown", (e) => {
    const p = toImage(e); canvas.setPointerCapture(e.pointerId);
    state.drag = { roi: e.shiftKey, sx: p.cx, sy: p.cy, ox: state.x, oy: state.y, ix: p.x, iy: p.y };
    if (e.shiftKey) state.roi = { x0: p.x, y0: p.y, x1: p.x, y1: p.y };
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!state.drag) return;
    const p = toImage(e), d = state.drag;
    if (d.roi) {
      state.roi = { x0: Math.min(d.ix, p.x), y0: Math.min(d.iy, p.y), x1: Math.max(d.ix, p.x), y1: Math.max(d.iy, p.y) };
    } else { state.x = d.ox + (p.cx - d.sx); state.y = d.oy + (p.cy - d.sy); }
    draw();
  });
  canvas.addEventListener("pointerup", () => {
    if (state.drag && state.drag.roi && state.roi) {
      const r = state.roi, w = Math.round(r.x1 - r.x0), h = Math.round(r.y1 - r.y0);
      const size = mmPerPx ? ` = ${(w * mmPerPx / 1000).toFixed(2)} × ${(h * mmPerPx / 1000).toFixed(2)} m` : "";
      $("roi").textContent = `Region x ${Math.round(r.x0)}–${Math.round(r.x1)}, y ${Math.round(r.y0)}–${Math.round(r.y1)} (${w}×${h} px${size})`;
      canvas.dataset.roi = JSON.stringify([Math.round(r.x0), Math.round(r.y0), Math.round(r.x1), Math.round(r.y1)]);
    }
    state.drag = null;
  });
  $("zoom-in").addEventListener("click", () => zoom(1.25, canvas.width / 2, canvas.height / 2));
  $("zoom-out").addEventListener("click", () => zoom(0.8, canvas.width / 2, canvas.height / 2));
  $("reset").addEventListener("click", fit);
  $("level").addEventListener("input", applyWindow);
  $("window").addEventListener("input", applyWindow);
  $("overlay").addEventListener("change", draw);
  $("channel").addEventListener("change", (e) => showChannel(e.target.value));

  (async function start() {
    if (canvas.dataset.heatmap) { try { state.heat = await load(base + canvas.dataset.heatmap); } catch (err) { state.heat = null; } }
    const first = $("channel").value;
    if (first) { await showChannel(first); fit(); canvas.dataset.ready = "1"; }
  })();
})();
