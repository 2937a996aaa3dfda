"""Live training as a viewer sees it: /training served on loopback, recorded in headless chromium at 1280×720.

For each pace, a DevTools screencast (Page.startScreencast) records the screen while a run goes; the loss
chart's box is cropped from every frame and the script reports: frames, blank or faded frames (ink below half of
the idle chart's), distinct pictures of the chart and pictures per second while it changes, and how far the chart
moved on the page. A sampler in the page checks on every animation frame that the progress text and the Step
metric show the same step. Then: Stop (click to the last change of the step counter) and a page switch during a
run (click to the Counts view's title). Targets: 0 blank frames; >= 20 pictures over the lecture's 100 steps;
>= 20 pictures/s while running; layout shift 0; Stop <= 0.5 s; page switch <= 1 s.
Usage: python -m benchmarks.bench_training [WORDS.txt [PACE ...]]   (default: the lecture's ../shared/names.txt)
"""

import base64
import io
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

from harness.browser import chromium, serve, wait_idle

ROOT = Path(__file__).resolve().parents[1]
LECTURE = ROOT.parent / "shared" / "names.txt"
CHART = ".st-key-training_curve_box [data-testid='stVegaLiteChart']"
VIEWPORT = {"width": 1280, "height": 720}

# On every animation frame: the chart's top edge, and whether the progress text and the Step metric agree.
SAMPLER = (
    """() => {
  const S = window.__live = {tops: [], frames: 0, disagree: [], steps: []};
  const stepMetric = () => {
    for (const m of document.querySelectorAll('[data-testid="stMetric"]'))
      if (m.querySelector('[data-testid="stMetricLabel"]')?.textContent.trim() === 'Step')
        return m.querySelector('[data-testid="stMetricValue"]').textContent.trim().replace(/,/g, '');
  };
  const tick = () => {
    const chart = document.querySelector("""
    + f'"{CHART}"'
    + """);
    const main = document.querySelector('[data-testid="stMain"]');
    if (chart) S.tops.push(chart.getBoundingClientRect().top + main.scrollTop);  // in the page, not the window
    const progress = document.querySelector('[data-testid="stProgress"]')?.textContent.match(/step ([\\d,]+)/);
    const step = stepMetric();
    S.frames++;
    if (progress && step && progress[1].replace(/,/g, '') !== step) S.disagree.push([progress[1], step]);
    if (S.steps.at(-1)?.[1] !== step) S.steps.push([performance.now(), step]);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""
)


def set_input(page, label: str, value: str) -> None:
    box = page.get_by_role("spinbutton", name=label, exact=True)
    box.fill(value)
    box.press("Enter")
    wait_idle(page)


def choose_pace(page, pace: str) -> None:
    box = page.get_by_role("combobox", name="Pace")
    box.click()
    box.fill(pace)
    box.press("Enter")
    wait_idle(page)


def ink(frame: np.ndarray) -> float:
    return float((frame < 200).mean())


def record(page, seconds: float) -> tuple[list[np.ndarray], list[float]]:
    """Click Start and record the chart's box for `seconds`: the frames (greyscale crops) and their times (s)."""
    box = page.locator(CHART).first.bounding_box()
    frames: list[np.ndarray] = []
    times: list[float] = []
    cdp = page.context.new_cdp_session(page)

    def on_frame(event):
        image = Image.open(io.BytesIO(base64.b64decode(event["data"]))).convert("L")
        frames.append(
            np.asarray(image)[
                int(box["y"]) : int(box["y"] + box["height"]), int(box["x"]) : int(box["x"] + box["width"])
            ]
        )
        times.append(event["metadata"]["timestamp"])
        cdp.send("Page.screencastFrameAck", {"sessionId": event["sessionId"]})

    cdp.on("Page.screencastFrame", on_frame)
    cdp.send(
        "Page.startScreencast",
        {"format": "jpeg", "quality": 80, "maxWidth": VIEWPORT["width"], "maxHeight": VIEWPORT["height"]},
    )
    page.get_by_role("button", name="Start", exact=True).dispatch_event("click")  # a real click would scroll
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        page.wait_for_timeout(100)
    cdp.send("Page.stopScreencast")
    cdp.detach()
    return frames, times


def watch(page, base: str, pace: str, steps: int, seconds: float) -> dict:
    page.goto(base + "/training")
    wait_idle(page)
    choose_pace(page, pace)
    set_input(page, "Steps", str(steps))
    page.locator(CHART).first.scroll_into_view_if_needed()
    page.evaluate("document.querySelector('[data-testid=stMain]').scrollBy(0, 150)")
    page.wait_for_timeout(500)
    idle = ink(np.asarray(Image.open(io.BytesIO(page.locator(CHART).first.screenshot())).convert("L")))
    page.evaluate(SAMPLER)
    frames, times = record(page, seconds)
    live = page.evaluate("() => window.__live")
    changes = [
        i
        for i in range(1, len(frames))
        if frames[i].shape != frames[i - 1].shape or not np.array_equal(frames[i], frames[i - 1])
    ]
    span = times[changes[-1]] - times[changes[0]] if len(changes) > 1 else 0.0
    return {
        "pace": pace,
        "steps": steps,
        "frames": len(frames),
        "blank": sum(ink(f) < 0.5 * idle for f in frames),
        "pictures": len(changes) + 1,
        "pictures_per_s": (len(changes) - 1) / span if span else 0.0,
        "drawing_s": span,
        "shift": max(live["tops"]) - min(live["tops"]),
        "disagree": len(live["disagree"]),
        "sampled": live["frames"],
        "last_step": live["steps"][-1][1],
    }


def stop_and_switch(page, base: str) -> dict:
    """Stop during a long run; then a page switch during a run."""
    page.goto(base + "/training")
    wait_idle(page)
    choose_pace(page, "100 steps/s")
    set_input(page, "Steps", "100000")
    page.evaluate(SAMPLER)
    page.get_by_role("button", name="Start", exact=True).click()
    page.wait_for_timeout(2000)
    clicked = page.evaluate("() => performance.now()")
    page.get_by_role("button", name="Stop", exact=True).click()
    page.wait_for_timeout(2000)
    last_change = page.evaluate("() => window.__live.steps.at(-1)[0]")
    page.get_by_role("button", name="Start", exact=True).click()
    page.wait_for_timeout(1500)
    started = time.perf_counter()
    page.locator("[data-testid='stSidebarNav'] a", has_text="Counts").click()
    page.get_by_role("heading", name="Counts").first.wait_for()
    return {"stop_s": max(0.0, (last_change - clicked) / 1000), "switch_s": time.perf_counter() - started}


def main() -> None:
    words = sys.argv[1] if len(sys.argv) > 1 else (str(LECTURE) if LECTURE.exists() else None)
    with serve(*(["--data", words] if words else [])) as (base, started), chromium() as browser:
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(base + "/training")
        wait_idle(page)
        print(f"word list: {words or 'bundled'}; server healthy after {started:.2f} s")
        paces = sys.argv[2:] or ["25 steps/s", "5 steps/s", "100 steps/s", "as fast as possible"]
        plan = {
            "25 steps/s": (100, 6.0),
            "5 steps/s": (30, 7.0),
            "100 steps/s": (400, 5.0),
            "as fast as possible": (5000, 5.0),
        }
        runs = [watch(page, base, pace, *plan[pace]) for pace in paces]
        print(
            "| pace | steps | frames | blank or faded | distinct pictures | over | pictures/s | layout shift | "
            "progress ≠ Step |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for r in runs:
            print(
                f"| {r['pace']} | {r['steps']:,} | {r['frames']} | {r['blank']} | {r['pictures']} | "
                f"{r['drawing_s']:.1f} s | {r['pictures_per_s']:.1f} | {r['shift']:.0f} px | "
                f"{r['disagree']} of {r['sampled']} frames |"
            )
        timing = stop_and_switch(page, base)
        print(
            f"Stop: the step counter stopped {timing['stop_s']:.2f} s after the click; "
            f"page switch /training → /counts during a run: {timing['switch_s']:.2f} s"
        )


if __name__ == "__main__":
    main()
