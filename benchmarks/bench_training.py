"""Live training as a browser sees it: the app served on loopback, /training driven in headless chromium.

Measures (issue 3; figures, not a test): server start to first painted page (target <= 5 s); steps/s of a
5,000-step run (>= 1,000) and how often the step counter and the loss curve are redrawn (>= 10 per second);
how long typing a word takes to answer while a run goes on; time from clicking Stop to the step counter's
last change (<= 0.5 s); a page switch /training -> /counts (<= 1 s); the browser's longest main-thread task.
Usage: python -m benchmarks.bench_training [WORDS.txt]   (default: the lecture's ../shared/names.txt if present)

Two Streamlit server options weigh on every fragment rerun: by default each one is followed by a full garbage
collection (runner.postScriptGC) and a walk over sys.modules for the file watcher (server.fileWatcherType).
.streamlit/config.toml turns the watcher off, and keeps the collection but makes it cheap (ui/process.py freezes
the libraries' objects). Prefix STREAMLIT_RUNNER_POST_SCRIPT_GC=false or STREAMLIT_SERVER_FILE_WATCHER_TYPE=auto
to measure with either changed; the first line printed says what the server ran with.
"""
import os
import sys
import time
import tomllib
from pathlib import Path

from streamlit.config import get_config_options

from tests.browser import chromium, serve, wait_idle

ROOT = Path(__file__).resolve().parents[1]
LECTURE = ROOT.parent / "shared" / "names.txt"

# Records, with performance.now() times: each change of the "Step" metric, each redraw of the loss curve that
# changes its loss line, each change of Start's enabled state, every click, long main-thread tasks.
OBSERVE = """() => {
  const B = window.__bench = {steps: [], curves: [], start: [], clicks: [], longtasks: 0, longest: 0};
  const stepValue = () => {
    for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
      const label = m.querySelector('[data-testid="stMetricLabel"]');
      if (label && label.textContent.trim() === 'Step')
        return m.querySelector('[data-testid="stMetricValue"]').textContent.trim();
    }
    return null;
  };
  const startEnabled = () => {
    const b = [...document.querySelectorAll('button')].find(b => b.textContent.trim().endsWith('Start'));
    return b ? !b.disabled : null;
  };
  const curvePath = () => {  // the loss line's path; plotly first draws a stub ("M0,0Z") when it redraws
    const plot = [...document.querySelectorAll('.js-plotly-plot')].find(p => p.textContent.includes('data NLL'));
    const line = plot && plot.querySelector('.scatterlayer path.js-line');
    return line ? line.getAttribute('d') : null;
  };
  let lastStep = stepValue(), lastStart = startEnabled(), lastCurve = curvePath();
  new MutationObserver(records => {
    const t = performance.now();
    const step = stepValue();
    if (step !== lastStep) { lastStep = step; B.steps.push([t, step]); }
    const start = startEnabled();
    if (start !== lastStart) { lastStart = start; B.start.push([t, start]); }
    const curve = curvePath();
    if (curve && curve.length > 20 && curve !== lastCurve) { lastCurve = curve; B.curves.push(t); }
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                             attributeFilter: ['d', 'disabled']});
  document.addEventListener('click', e => B.clicks.push([performance.now(), e.target.textContent.trim()]), true);
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) { B.longtasks++; B.longest = Math.max(B.longest, e.duration); }
  }).observe({type: 'longtask'});
}"""

IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"


def bench(page) -> dict:
    return page.evaluate("() => window.__bench")


def steps_of(text: str) -> int:
    return int(text.replace(",", ""))


def click(page, name: str) -> float:
    """Click a button by its label; the browser's time of the click, in ms."""
    page.get_by_role("button", name=name, exact=True).click()
    return [t for t, label in bench(page)["clicks"] if name in label][-1]


def set_steps(page, n: int) -> None:
    box = page.get_by_role("spinbutton", name="Steps", exact=True)
    box.fill(str(n))
    box.press("Enter")
    page.wait_for_timeout(500)
    wait_idle(page)


def wait_until_stopped(page, since: float, timeout: float = 120) -> None:
    """Until the step counter has changed after `since` (ms) and Start is clickable again: the run ended."""
    page.wait_for_function(f"() => window.__bench.steps.some(([t]) => t > {since})", timeout=timeout * 1000)
    start, deadline = page.get_by_role("button", name="Start", exact=True), time.perf_counter() + timeout
    while not start.is_enabled():
        if time.perf_counter() > deadline:
            raise RuntimeError("the run did not end")
        page.wait_for_timeout(50)
    page.wait_for_function(IDLE)


def setting(section: str, option: str) -> str:
    """A server option as the server will see it: its STREAMLIT_* environment variable, else config.toml."""
    variable = get_config_options()[f"{section}.{option}"].env_var
    if variable in os.environ:
        return f"{os.environ[variable]} ({variable})"
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    return f"{str(config[section][option]).lower()} (config.toml)"


def rate(events: list, start: float, end: float) -> float:
    """Events per second within (start, end], times in ms."""
    return sum(start < t <= end for t in events) / ((end - start) / 1000)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else LECTURE
    app_args = ["--data", str(path)] if path.exists() else []
    print(f"data: {path if app_args else 'the bundled list'}; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} CPUs; postScriptGC {setting('runner', 'postScriptGC')}, "
          f"fileWatcherType {setting('server', 'fileWatcherType')}")
    with chromium() as browser, serve(*app_args) as (base, healthy):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        opened = time.perf_counter()
        page.goto(base + "/training")
        page.wait_for_selector('[data-testid="stMain"] h1')
        painted = healthy + time.perf_counter() - opened
        wait_idle(page)
        ready = healthy + time.perf_counter() - opened
        print(f"server start to first painted /training {painted:5.2f} s  (rendered and idle {ready:.2f} s; "
              "target <= 5 s)")

        set_steps(page, 5000)
        page.evaluate(OBSERVE)
        clicked = click(page, "Start")
        wait_until_stopped(page, clicked)
        b = bench(page)
        final = [t for t, v in b["steps"] if v == "5,000"]
        if not final:
            raise RuntimeError(f"the step counter never read 5,000: {b['steps'][-3:]}")
        seconds = (final[0] - clicked) / 1000
        print(f"5,000 steps, click to done {seconds:5.2f} s  {5000 / seconds:7,.0f} steps/s  (target >= 1,000); "
              f"step counter redrawn {rate([t for t, _ in b['steps']], clicked, final[0]):.1f} /s")

        set_steps(page, 100_000)
        click(page, "Start")  # resumes at step 5,000
        page.wait_for_timeout(1000)
        window = [page.evaluate("() => performance.now()")]
        page.wait_for_timeout(3000)
        window.append(page.evaluate("() => performance.now()"))
        b = bench(page)
        first, last = (max((t, steps_of(v)) for t, v in b["steps"] if t <= edge) for edge in window)
        print(f"steady state, over {(window[1] - window[0]) / 1000:.0f} s    "
              f"{(last[1] - first[1]) / ((last[0] - first[0]) / 1000):7,.0f} steps/s; step counter redrawn "
              f"{rate([t for t, _ in b['steps']], *window):.1f} /s, loss curve {rate(b['curves'], *window):.1f} /s "
              "(target >= 10)")

        word = page.get_by_role("textbox", name="Word", exact=True)
        word.fill("ava")
        typed = page.evaluate("() => performance.now()")
        word.press("Enter")
        page.wait_for_selector('[data-testid="stMetricLabel"]:has-text("ava")')
        answered = page.evaluate("() => performance.now()") - typed
        page.wait_for_timeout(1000)
        later = [t for t, _ in bench(page)["steps"] if t > typed + answered]
        print(f"typing a word mid-run      {answered / 1000:5.2f} s to answer; then the run "
              f"{'went on' if later else 'did NOT go on'} ({len(later)} redraws in the next second)")

        stopped = click(page, "Stop")
        page.wait_for_timeout(1500)
        page.wait_for_function(IDLE)
        b = bench(page)
        last_change = max(t for t, _ in b["steps"])
        enabled = min(t for t, on in b["start"] if on and t > stopped)
        print(f"Stop: step counter still   {max(0.0, last_change - stopped) / 1000:5.2f} s after the click "
              f"(target <= 0.5 s); Start clickable again after {(enabled - stopped) / 1000:.2f} s; "
              f"stopped at step {steps_of(b['steps'][-1][1]):,}")
        print(f"browser main thread        {b['longtasks']} long tasks (> 50 ms) during the runs, "
              f"longest {b['longest']:.0f} ms")

        before = page.evaluate("() => performance.now()")
        page.get_by_role("link", name="Counts").click()
        page.wait_for_function("() => { const h = document.querySelector('[data-testid=\"stMain\"] h1');"
                               " return h && h.textContent.trim() !== 'Training'; }")
        page.wait_for_function(IDLE)
        switched = page.evaluate("() => performance.now()") - before
        print(f"page switch /training -> /counts {switched / 1000:5.2f} s  (target <= 1 s)")


if __name__ == "__main__":
    main()
