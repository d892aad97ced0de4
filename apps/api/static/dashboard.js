/* sigmap dashboard: vanilla JS over the JSON endpoints (no build step). */
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  const fmt = (x, d = 3) =>
    x === null || x === undefined ? '—' : typeof x === 'number' ? (Math.abs(x) >= 1000 ? x.toFixed(0) : Number(x.toPrecision(d)).toString()) : String(x);
  const keyInput = $('apikey');
  // sessionStorage, not localStorage: the key is forgotten with the tab
  localStorage.removeItem('sigmap.apikey');
  keyInput.value = sessionStorage.getItem('sigmap.apikey') || '';
  keyInput.addEventListener('change', () => {
    sessionStorage.setItem('sigmap.apikey', keyInput.value.trim());
    loadScans();
  });
  const headers = () => (keyInput.value.trim() ? { 'x-api-key': keyInput.value.trim() } : {});
  async function getJson(url) {
    const r = await fetch(url, { headers: headers() });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(`${r.status}: ${body.message || r.statusText}`);
    return body;
  }

  async function loadMatrix() {
    const [svg, map] = await Promise.all([fetch('/api/coverage/svg').then((r) => r.text()), getJson('/api/coverage')]);
    $('matrix').innerHTML = svg;
    const s = map.summary;
    $('summary').textContent =
      `${s.covered} covered / ${s.empty} empty of ${s.cells} cells · ${s.searches} published analyses · ${s.ownSearches ?? 0} own simulated searches (not counted) · ${s.scans} public scans · ${s.evaluations} evaluations`;
    if (s.catalogue) $('catalogue-line').textContent = `Catalogue: ${s.catalogue}.`;
    document.body.dataset.covered = String(s.covered);
    document.body.dataset.empty = String(s.empty);
    for (const g of document.querySelectorAll('#matrix g.cell')) g.addEventListener('click', () => selectCell(g.getAttribute('data-cell')));
    document.body.dataset.matrixReady = '1';
  }

  async function selectCell(key) {
    for (const g of document.querySelectorAll('#matrix g.cell')) g.classList.toggle('selected', g.getAttribute('data-cell') === key);
    $('cell-title').textContent = `Cell ${key}`;
    const box = $('cell-detail');
    box.className = '';
    box.textContent = 'loading…';
    try {
      const c = await getJson(`/api/coverage/cells/${encodeURIComponent(key)}`);
      let html = `<div class="muted">${esc(c.label)} — ${c.searches.length} published analys${c.searches.length === 1 ? 'is' : 'es'}, ${c.excludedPoints} excluded model points</div>`;
      const arxiv = (s) => (s.arXiv ? `<a href="https://arxiv.org/abs/${esc(s.arXiv)}" rel="noopener">${esc(s.arXiv)}</a>` : '—');
      if (c.searches.length === 0) html += '<p id="cell-empty">No published analysis in the catalogue probes this signature.</p>';
      else
        html +=
          '<table id="cell-searches"><thead><tr><th>analysis</th><th>exp.</th><th>√s [TeV]</th><th>L [fb⁻¹]</th><th>arXiv</th><th>title</th><th>material</th><th>points (excl./eval.)</th></tr></thead><tbody>' +
          c.searches
            .map(
              (s) =>
                `<tr data-search="${esc(s.id)}"><td>${esc(s.id)}</td><td>${esc(s.experiment)}</td><td class="num">${fmt(s.sqrtS)}</td><td class="num">${fmt(s.lumiFb)}</td><td>${arxiv(s)}</td><td>${esc(s.title || '')}</td><td>${esc(s.material)}</td><td class="num">${s.excludedPoints}/${s.evaluatedPoints}</td></tr>`,
            )
            .join('') +
          '</tbody></table>';
      if (c.ownSearches && c.ownSearches.length)
        html += `<p class="muted" id="cell-own">sigmap's own simulated searches here (demonstrations, not LHC coverage): ${c.ownSearches.map((s) => esc(s.id)).join(', ')}</p>`;
      if (c.families.length)
        html +=
          '<h3 style="font-size:13px">Families feeding this cell</h3><table id="cell-families"><thead><tr><th>family</th><th>BR</th><th>excluded fraction</th><th>mass reach</th><th>scans</th></tr></thead><tbody>' +
          c.families
            .map((f) => {
              const ex = f.excluded
                ? `${fmt(f.excluded.fraction)} <span class="muted">(over ${esc(f.excluded.over.join(', '))}; scanned ${fmt(f.excluded.scannedFraction)})</span>`
                : '—';
              const mr =
                f.massReach && f.massReach.mass !== null
                  ? `${esc(f.massReach.parameter)} ≈ ${fmt(f.massReach.mass, 4)} ± ${fmt(f.massReach.resolution, 2)}`
                  : '—';
              const scans = f.excluded ? f.excluded.provenance.scanIds.map((id) => `<a data-scan="${esc(id)}">${esc(id)}</a>`).join(' ') : '';
              return `<tr><td>${esc(f.family)}</td><td class="num">${fmt(f.br)}</td><td>${ex}</td><td>${mr}</td><td>${scans}</td></tr>`;
            })
            .join('') +
          '</tbody></table>';
      if (c.recommendations && c.recommendations.length)
        html +=
          '<h3 style="font-size:13px">Recommendations here</h3><ul>' +
          c.recommendations.map((r) => `<li>#${r.rank}: ${esc(r.explanation)}</li>`).join('') +
          '</ul>';
      box.innerHTML = html;
      for (const a of box.querySelectorAll('a[data-scan]')) a.addEventListener('click', () => selectScan(a.getAttribute('data-scan')));
      box.dataset.cell = key;
    } catch (e) {
      box.className = 'err';
      box.textContent = String(e.message || e);
    }
  }

  async function loadRecs() {
    const r = await getJson('/api/coverage/recommendations?limit=10');
    $('recs').innerHTML = r.recommendations.length
      ? r.recommendations
          .map(
            (x) =>
              `<li data-cell="${esc(x.cell)}"><b>${esc(x.cell)}</b>, ${x.mass.min}–${x.mass.max} ${esc(x.mass.unit)} (score ${fmt(x.score)}): ${esc(x.explanation)}</li>`,
          )
          .join('')
      : '<li class="muted">No candidates: no model family feeds any cell.</li>';
  }

  async function loadScans() {
    try {
      const r = await getJson('/api/scans');
      $('scans').querySelector('tbody').innerHTML = r.scans
        .map(
          (s) =>
            `<tr><td><a data-scan="${esc(s.scanId)}">${esc(s.scanId)}</a></td><td>${esc(s.family)}</td><td>${esc(s.status)}</td><td>${esc(s.visibility)}${s.group ? ` (${esc(s.group)})` : ''}</td></tr>`,
        )
        .join('');
      for (const a of $('scans').querySelectorAll('a[data-scan]')) a.addEventListener('click', () => selectScan(a.getAttribute('data-scan')));
    } catch (e) {
      $('scans').querySelector('tbody').innerHTML = `<tr><td colspan="4" class="err">${esc(e.message)}</td></tr>`;
    }
  }

  /**
   * Server-sent events over fetch, so the key travels in the x-api-key header (EventSource can only put it in the
   * URL). Same surface as EventSource: addEventListener(type, fn) with ev.data, close().
   */
  function eventStream(url) {
    const ctrl = new AbortController();
    const listeners = {};
    const emit = (type, data) => (listeners[type] || []).forEach((fn) => fn({ data }));
    (async () => {
      const r = await fetch(url, { headers: { ...headers(), accept: 'text/event-stream' }, signal: ctrl.signal });
      if (!r.ok || !r.body) throw new Error(`${url}: ${r.status}`);
      const reader = r.body.getReader();
      const decoder = new TextDecoder();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let type = 'message';
          const data = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) type = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trim());
          }
          if (data.length) emit(type, data.join('\n'));
        }
      }
    })().catch((e) => {
      if (e.name !== 'AbortError') $('scan-progress').textContent = `event stream: ${e.message}`;
    });
    return {
      addEventListener: (type, fn) => (listeners[type] = listeners[type] || []).push(fn),
      close: () => ctrl.abort(),
    };
  }

  let source = null;
  async function selectScan(id) {
    if (source) source.close();
    $('scan-title').textContent = `Scan ${id}`;
    source = eventStream(`/api/scans/${encodeURIComponent(id)}/events`);
    let pending = false;
    const refresh = () => {
      if (pending) return;
      pending = true;
      setTimeout(() => {
        pending = false;
        drawScan(id).catch((e) => ($('scan-plot').innerHTML = `<div class="err">${esc(e.message)}</div>`));
      }, 200);
    };
    source.addEventListener('progress', (ev) => {
      const p = JSON.parse(ev.data);
      $('scan-progress').textContent =
        `${p.status} · round ${p.round} · ${p.evaluated}/${p.budget} points · misclassified ${fmt(p.misclassified)} (target ${fmt(p.target)})`;
      $('scan-bar').style.width = `${Math.min(100, (100 * p.evaluated) / Math.max(1, p.budget))}%`;
      document.body.dataset.scanEvents = String(Number(document.body.dataset.scanEvents || 0) + 1);
      refresh();
    });
    source.addEventListener('end', (ev) => {
      const e = JSON.parse(ev.data);
      $('scan-progress').textContent += ` · finished: ${e.status}`;
      document.body.dataset.scanDone = e.status;
      source.close();
      refresh();
      loadScans();
      loadMatrix().then(loadRecs);
    });
    await drawScan(id);
  }

  /** Scatter of the evaluated points in the first two scanned parameters (excluded red, allowed blue) + the GP contour. */
  async function drawScan(id) {
    const [scan, pts, contour] = await Promise.all([
      getJson(`/api/scans/${encodeURIComponent(id)}`),
      getJson(`/api/scans/${encodeURIComponent(id)}/points`),
      getJson(`/api/scans/${encodeURIComponent(id)}/contour`).catch(() => ({ contour: [] })),
    ]);
    const params = Object.entries(scan.spec ? scan.spec.parameters : {}).filter(([, p]) => p.fixed === undefined);
    if (params.length === 0) return;
    const [xn, xr] = params[0];
    const [yn, yr] = params[1] || [null, null];
    const W = 420,
      H = 300,
      L = 50,
      B = 36;
    const sx = (v) => {
      const u = xr.scale === 'log' ? Math.log(v / xr.min) / Math.log(xr.max / xr.min) : (v - xr.min) / (xr.max - xr.min);
      return L + u * (W - L - 10);
    };
    const sy = (v) => {
      if (!yr) return (H - B) / 2;
      const u = yr.scale === 'log' ? Math.log(v / yr.min) / Math.log(yr.max / yr.min) : (v - yr.min) / (yr.max - yr.min);
      return H - B - u * (H - B - 10);
    };
    const byPoint = new Map();
    for (const e of pts.evaluations) {
      const prev = byPoint.get(e.key);
      byPoint.set(e.key, { p: e.point, x: (prev ? prev.x : false) || e.excluded });
    }
    let svg = `<svg id="scan-svg" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-size="11"><rect width="${W}" height="${H}" fill="#fff"/>`;
    svg += `<line x1="${L}" y1="${H - B}" x2="${W - 10}" y2="${H - B}" stroke="#6b7280"/><line x1="${L}" y1="10" x2="${L}" y2="${H - B}" stroke="#6b7280"/>`;
    svg += `<text x="${(W + L) / 2}" y="${H - 8}" text-anchor="middle">${esc(xn)} [${fmt(xr.min)}, ${fmt(xr.max)}]</text>`;
    if (yn)
      svg += `<text x="12" y="${(H - B) / 2}" transform="rotate(-90 12 ${(H - B) / 2})" text-anchor="middle">${esc(yn)} [${fmt(yr.min)}, ${fmt(yr.max)}]</text>`;
    for (const { p, x } of byPoint.values())
      svg += `<circle class="pt ${x ? 'excluded' : 'allowed'}" cx="${sx(p[xn]).toFixed(1)}" cy="${sy(yn ? p[yn] : 0).toFixed(1)}" r="3" fill="${x ? '#dc2626' : '#2563eb'}" fill-opacity="0.8"/>`;
    for (const line of contour.contour || []) {
      if (!line.points || line.points.length < 2) continue;
      svg += `<polyline class="contour" fill="none" stroke="#111827" stroke-width="2" points="${line.points.map((q) => `${sx(q[0]).toFixed(1)},${sy(yn ? q[1] : 0).toFixed(1)}`).join(' ')}"/>`;
    }
    svg += '</svg>';
    $('scan-plot').innerHTML =
      svg + `<div class="muted">${byPoint.size} points (red: excluded by at least one search), contour: ${esc(contour.source || 'none')}</div>`;
  }

  loadMatrix()
    .then(loadRecs)
    .catch((e) => ($('summary').textContent = `error: ${e.message}`));
  loadScans();
  const params = new URLSearchParams(location.search);
  if (params.get('scan')) selectScan(params.get('scan'));
  if (params.get('cell')) setTimeout(() => selectCell(params.get('cell')), 0);
})();
