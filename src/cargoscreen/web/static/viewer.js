// cargoscreen scan viewer: zoom and pan, window/level, channel switch, AI overlay, region of interest.
// Plain JavaScript on a <canvas>; images come from the scan's renditions (same origin, session cookie):
// the deep-zoom tiles of the channel (only those in view, at the zoom level's resolution), else one image.
(function () {
  "use strict";
  const canvas = document.getElementById("viewer");
  if (!canvas) return;
  const ctx = canvas.getContext("2d");
  const base = canvas.dataset.base;
  const boxes = JSON.parse(canvas.dataset.boxes || "[]");
  const mmPerPx = parseFloat(canvas.dataset.mm || "0");
  const $ = (id) => document.getElementById(id);
  const rows = parseInt(canvas.dataset.rows || "0", 10), cols = parseInt(canvas.dataset.cols || "0", 10);
  const tileSize = parseInt(canvas.dataset.tile || "256", 10);
  // image: a whole rendition (channels without tiles); tiles: the deep-zoom pyramid of the channel shown.
  const state = { image: null, shown: null, tiles: null, heat: null, scale: 1, x: 0, y: 0, drag: null, roi: null };
  const tileCache = new Map();  // url -> { img, shown, lut }
  let lutVersion = 0;
  state.lut = lookup();

  // The zoom levels of tile_grid (ingest/images/derivatives.py): level 0 is full resolution, each next
  // level halves it, the last fits in one tile.
  function grid() {
    const levels = [];
    for (let level = 0; ; level++) {
      const f = 2 ** level, r = Math.ceil(rows / f), c = Math.ceil(cols / f);
      const down = Math.ceil(r / tileSize), across = Math.ceil(c / tileSize);
      levels.push({ level, down, across });
      if (down === 1 && across === 1) return levels;
    }
  }
  const levels = rows && cols ? grid() : [];

  function width() { return state.tiles ? cols : state.image ? state.image.naturalWidth : 0; }
  function height() { return state.tiles ? rows : state.image ? state.image.naturalHeight : 0; }

  function load(src) {
    return new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => resolve(img);
      img.onerror = () => reject(new Error("cannot load " + src));
      img.src = src;
    });
  }

  // Window/level remaps the 8-bit display image: [level - window/2, level + window/2] -> [0, 255].
  function lookup() {
    const level = +$("level").value, width = +$("window").value;
    const lut = new Uint8ClampedArray(256);
    for (let v = 0; v < 256; v++) lut[v] = ((v - (level - width / 2)) / width) * 255;
    return lut;
  }

  function windowed(img, lut) {
    const off = document.createElement("canvas");
    off.width = img.naturalWidth; off.height = img.naturalHeight;
    const octx = off.getContext("2d");
    octx.drawImage(img, 0, 0);
    const data = octx.getImageData(0, 0, off.width, off.height);
    const px = data.data;
    for (let i = 0; i < px.length; i += 4) { px[i] = lut[px[i]]; px[i + 1] = lut[px[i + 1]]; px[i + 2] = lut[px[i + 2]]; }
    octx.putImageData(data, 0, 0);
    return off;
  }

  function applyWindow() {
    state.lut = lookup();
    lutVersion += 1;
    if (state.image && !state.tiles) state.shown = windowed(state.image, state.lut);
    draw();
  }

  // Tiles: the coarsest level that still gives at least one tile pixel per screen pixel.
  function levelFor(scale) {
    const wanted = Math.floor(Math.log2(1 / scale));
    return Math.max(0, Math.min(levels.length - 1, wanted));
  }

  function tileAt(level, col, row) {
    const url = `${base}${state.tiles}/${level}/${col}_${row}`;
    let entry = tileCache.get(url);
    if (!entry) {
      entry = { img: null, shown: null, version: -1 };
      tileCache.set(url, entry);
      load(url).then((img) => { entry.img = img; draw(); }).catch(() => tileCache.delete(url));
    }
    if (entry.img && entry.version !== lutVersion) { entry.shown = windowed(entry.img, state.lut); entry.version = lutVersion; }
    return entry.shown;
  }

  function drawTiles() {
    const level = levelFor(state.scale), span = tileSize * 2 ** level, g = levels[level];
    const x0 = -state.x / state.scale, y0 = -state.y / state.scale;
    const x1 = (canvas.width - state.x) / state.scale, y1 = (canvas.height - state.y) / state.scale;
    const c0 = Math.max(0, Math.floor(x0 / span)), c1 = Math.min(g.across - 1, Math.floor(x1 / span));
    const r0 = Math.max(0, Math.floor(y0 / span)), r1 = Math.min(g.down - 1, Math.floor(y1 / span));
    const top = levels.length - 1;
    const coarse = tileAt(top, 0, 0);  // the whole image in one tile: shown until finer tiles arrive
    if (coarse && level !== top) ctx.drawImage(coarse, 0, 0, coarse.width * 2 ** top, coarse.height * 2 ** top);
    let missing = 0;
    for (let row = r0; row <= r1; row++) {
      for (let col = c0; col <= c1; col++) {
        const tile = tileAt(level, col, row);
        if (tile) ctx.drawImage(tile, col * span, row * span, tile.width * 2 ** level, tile.height * 2 ** level);
        else missing += 1;
      }
    }
    canvas.dataset.level = String(level);
    canvas.dataset.tilesShown = String((r1 - r0 + 1) * (c1 - c0 + 1) - missing);
  }

  function fit() {
    if (!width()) return;
    state.scale = Math.min(canvas.width / width(), canvas.height / height());
    state.x = (canvas.width - width() * state.scale) / 2;
    state.y = (canvas.height - height() * state.scale) / 2;
    draw();
  }

  function draw() {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#000"; ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (!state.shown && !state.tiles) return;
    ctx.setTransform(state.scale, 0, 0, state.scale, state.x, state.y);
    ctx.imageSmoothingEnabled = state.scale < 1;
    if (state.tiles) drawTiles(); else ctx.drawImage(state.shown, 0, 0);
    if ($("overlay").checked) {
      if (state.heat) { ctx.globalAlpha = 0.55; ctx.drawImage(state.heat, 0, 0, width(), height()); ctx.globalAlpha = 1; }
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

  // A channel with tiles is drawn from them, a level at a time; others (the ratio view) as one image.
  async function showChannel(option) {
    const first = !width();
    state.tiles = option.dataset.tiles || null;
    state.image = state.tiles ? null : await load(base + option.value);
    state.shown = null;
    if (first) fit();
    applyWindow();
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
  $("channel").addEventListener("change", (e) => showChannel(e.target.selectedOptions[0]));

  (async function start() {
    if (canvas.dataset.heatmap) { try { state.heat = await load(base + canvas.dataset.heatmap); } catch (err) { state.heat = null; } }
    const first = $("channel").selectedOptions[0];
    if (first) { await showChannel(first); fit(); canvas.dataset.ready = "1"; }
  })();
})();
