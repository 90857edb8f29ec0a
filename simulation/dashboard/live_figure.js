// The browser half of live_figure.py: draws the widget's `figure` (Plotly's JSON form of
// a figure, as text) and redraws it with Plotly.react whenever Python sends a new one.
//
// Plotly.react compares the new figure with the one on screen and redraws what
// changed: traces added or removed, a property left out going back to its default,
// and, with an unchanged `layout.uirevision`, the user's zoom and legend choices kept.
// Figures that arrive faster than the screen refreshes are drawn once, the newest.
//
// plotly.js itself (4.8 MB) comes from Python, once a page: the first chart asks for
// it with a message and every other chart of the page waits for that copy.

const SHARED = Symbol.for("simulation.dashboard.live_figure");
const ASK_AGAIN_MS = 15000; // a chart still waiting after this asks for a copy itself

// what the charts of a page share: plotly.js once loaded, and the promise of it
function shared() {
  if (!globalThis[SHARED]) {
    const state = { plotly: null, asked: false };
    state.loaded = new Promise((resolve, reject) => {
      state.resolve = resolve;
      state.reject = reject;
    });
    globalThis[SHARED] = state;
  }
  return globalThis[SHARED];
}

async function evaluate(source) {
  const state = shared();
  if (state.plotly) return;
  // a module from a Blob, as anywidget loads this file: the page allows that
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  try {
    await import(/* webpackIgnore: true */ /* @vite-ignore */ url);
  } finally {
    URL.revokeObjectURL(url);
  }
  // plotly.js sets window.Plotly; keep our own reference to this copy
  state.plotly ??= globalThis.Plotly;
  state.resolve(state.plotly);
}

function ask(model) {
  const answer = (message) => {
    if (typeof message?.plotly !== "string") return;
    model.off("msg:custom", answer);
    evaluate(message.plotly).catch(shared().reject);
  };
  model.on("msg:custom", answer);
  model.send({ request: "plotly" });
}

function plotlyFor(model) {
  const state = shared();
  if (!state.plotly) {
    if (!state.asked) {
      state.asked = true;
      ask(model);
    } else {
      // another chart has asked; should its answer never come (that chart was
      // closed first, say), this one asks too
      setTimeout(() => state.plotly || ask(model), ASK_AGAIN_MS);
    }
  }
  return state.loaded;
}

async function render({ model, el }) {
  const chart = document.createElement("div");
  el.appendChild(chart);
  const Plotly = await plotlyFor(model);
  let frame = 0;

  const draw = () => {
    frame = 0;
    const figure = JSON.parse(model.get("figure") || "{}");
    Plotly.react(chart, figure.data ?? [], figure.layout ?? {}, model.get("config") ?? {});
  };
  // draw at the next frame, once however many figures came in between
  const schedule = () => {
    frame ||= requestAnimationFrame(draw);
  };
  draw();
  model.on("change:figure", schedule);
  model.on("change:config", schedule);
  // the chart takes its cell's width: follow the cell when it is resized
  const observer = new ResizeObserver(() => {
    if (chart._fullLayout && el.clientWidth) Plotly.Plots.resize(chart).catch(() => {});
  });
  observer.observe(el);
  return () => {
    if (frame) cancelAnimationFrame(frame);
    model.off("change:figure", schedule);
    model.off("change:config", schedule);
    observer.disconnect();
    Plotly.purge(chart);
  };
}

export default { render };
