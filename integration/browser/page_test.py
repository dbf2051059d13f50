#!/usr/bin/env python3
"""The web page, end to end in a real browser: Debian's chromium, headless, driven by
Playwright, against a running stack (`make dev`).

    .venv/bin/pip install -r requirements-browser.txt && scripts/ensure-chromium
    .venv/bin/python integration/browser/page_test.py --url http://127.0.0.1:9000/ \\
        --token-file .local/dev-token --artifacts /tmp/page-artifacts

At a phone's viewport it opens a link carrying someone else's `#token=` and declines it (the
page must ask before using a link's credential, and use nothing it declined), then opens
the link with its own token and accepts it from the keyboard (and checks the token left the
address bar and the page names who is signed in), checks the caller's webhook secret when
the API has `GET /webhook-secret` (masked, shown, rotated), reaches the file input with the
keyboard and picks four photos: the real one of the docs (scripts/fixtures/photo.jpg) and
three made here, a small one, one over 4 MiB and a corrupt JPEG. It waits for the three
good ones to complete and the corrupt one to fail with a sentence a person understands,
recording every state each item went through and whether the live channel carried them.

A completed job shows its thumbnail and preview as a <picture>: AVIF and WebP sources and
the JPEG or PNG as its <img>, sized as the status document says, each format's size under
it. The thumbnails' AVIF files are held back (routed, answered later) until the test has
seen the placeholder in their place: the document's dominant colour on the box and the
ThumbHash drawn as an image. Then Chromium must load the AVIF (its currentSrc, and the
answer's image/avif), at the document's size, and the four download links answer 200.
Any console error, page error or timeout fails it. DIR/page.png is a full-page
screenshot, taken also on failure; DIR/placeholder.png shows the real photo's item while
its thumbnail is held, DIR/picture.png once it loaded.

Then the page is reloaded and must list the caller's photos (GET /images) with their
thumbnails, follow a job in flight across the reload, and delete one from the keyboard
(check_history; DIR/history.png). Exit code 0 only on success.
"""

import argparse
import base64
import json
import re
import shutil
import sys
import time
from pathlib import Path

import photos
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

PHONE = {"width": 390, "height": 844}
ROOT = Path(__file__).resolve().parents[2]
# The photo of the docs' curl examples (1200×800 JPEG): the item whose placeholder is watched.
REAL_PHOTO = "photo.jpg"
# What a picture's <source>s offer, in order, and the labels of the sizes under it.
SOURCES = ["image/avif", "image/webp"]
LABELS = {"avif": "AVIF", "webp": "WebP", "jpeg": "JPEG", "png": "PNG"}
END_STATES = {"completed", "failed", "error"}
PHONE_PHOTO = "phone-portrait.heic"
ALL_STATES = {"uploading", "queued", "processing"} | END_STATES
DAMAGED = re.compile(r"damaged|corrupt|not (a )?readable", re.IGNORECASE)

# Records each item's data-state changes in order, independently of the page's own code
# (a MutationObserver with the old values, so no quick change is missed).
WATCH_STATES = """() => {
  const seen = new Map();
  const note = (li, value) => {
    if (!seen.has(li)) seen.set(li, []);
    const list = seen.get(li);
    if (value != null && list[list.length - 1] !== value) list.push(value);
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "attributes" && r.target.matches("li.job")) note(r.target, r.oldValue);
      for (const node of r.addedNodes ?? []) {
        if (node.matches?.("li.job")) note(node, node.dataset.state);
      }
    }
    for (const li of document.querySelectorAll("li.job")) note(li, li.dataset.state);
  }).observe(document.body, { subtree: true, childList: true, attributes: true,
                              attributeFilter: ["data-state"], attributeOldValue: true });
  window.__stateHistory = () => [...seen].map(([li, states]) =>
    ({ name: li.querySelector(".name")?.textContent, states }));
}"""

ITEMS = """() => [...document.querySelectorAll("li.job")].map((li) => ({
  name: li.querySelector(".name")?.textContent,
  state: li.dataset.state,
  job: li.dataset.jobId ?? null,
  uploadedAt: li.dataset.uploadedAt ? Number(li.dataset.uploadedAt) : null,
  endedAt: li.dataset.endedAt ? Number(li.dataset.endedAt) : null,
  status: li.querySelector(".status")?.textContent ?? "",
}))"""


class Failure(Exception):
    """A check that did not hold; its message says which and why."""


# The statuses GET /webhook-secret answered the page, in order.
WEBHOOK_ANSWERS: list[int] = []


def expected_404(message) -> bool:
    """The browser's own log line for GET /webhook-secret on an API without that route: the
    page shows nothing then, as it should."""
    return "status of 404" in message.text and "/webhook-secret" in message.location.get("url", "")


def unsigned_jwt(claims: dict) -> str:
    """A JWT-shaped credential with `claims` (no valid signature: only the page reads it)."""
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'ES256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


def main() -> int:
    args = parse_args()
    args.artifacts.mkdir(parents=True, exist_ok=True)
    token = args.token_file.read_text().strip()
    if not token:
        print(f"FAIL: {args.token_file} is empty", file=sys.stderr)
        return 1
    chromium = args.chromium or shutil.which("chromium")
    if not chromium:
        print("FAIL: no chromium on PATH (run scripts/ensure-chromium) and no --chromium", file=sys.stderr)
        return 1

    files = make_photos(args.artifacts / "photos")
    problems: list[str] = []  # console and page errors, collected as they come
    checked: list[str] = []
    screenshot = args.artifacts / "page.png"
    with sync_playwright() as playwright:
        # --disable-dev-shm-usage: containers often give /dev/shm only 64 MB.
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--disable-dev-shm-usage"]
        )
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.on("console", lambda m: m.type == "error" and not expected_404(m) and problems.append(f"console error: {m.text} ({m.location.get('url', '')})"))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("response", lambda r: r.url.split("?")[0].endswith("/webhook-secret") and WEBHOOK_ANSWERS.append(r.status))
        frames: list[tuple[str, str]] = []  # (sent|received, text), for the summary
        page.on("websocket", lambda ws: (
            ws.on("framesent", lambda f: frames.append(("sent", f if isinstance(f, str) else str(f)))),
            ws.on("framereceived", lambda f: frames.append(("received", f if isinstance(f, str) else str(f)))),
        ))
        passed = False
        try:
            run(page, context, args, token, files, problems, checked, frames)
            passed = True
        except (Failure, PlaywrightError) as failure:
            print(f"FAIL: {failure}", file=sys.stderr)
        finally:
            try:
                if not passed:  # else page.png shows the results, before the sign-out checks
                    page.screenshot(path=str(screenshot), full_page=True)
                print(f"screenshot: {screenshot}")
            except PlaywrightError as error:
                print(f"(no screenshot: {error})", file=sys.stderr)
            browser.close()

    print("\nchecked:")
    for line in checked:
        print(f"  ok  {line}")
    if problems:
        print("console/page errors:", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
    if passed and not problems:
        print("PASS")
        return 0
    print("FAILED", file=sys.stderr)
    return 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the page, e.g. http://127.0.0.1:9000/")
    parser.add_argument("--token-file", required=True, type=Path, help="a file holding an API key or JWT")
    parser.add_argument("--artifacts", required=True, type=Path, help="where page.png and the photos go")
    parser.add_argument("--chromium", help="the browser (default: chromium on PATH)")
    parser.add_argument("--block-live", action="store_true",
                        help="refuse the page's WebSocket, to check that it falls back to polling")
    parser.add_argument("--timeout", type=float, default=180, help="seconds for all jobs to end (default 180)")
    return parser.parse_args()


def make_photos(folder: Path) -> dict[str, tuple[Path, str]]:
    """name -> (path, the end state it must reach). Files, so no protocol size limit applies."""
    folder.mkdir(parents=True, exist_ok=True)
    large = photos.large_png()
    if not 4 * 1024 * 1024 < len(large) < 20 * 1024 * 1024:
        raise SystemExit(f"the large photo is {len(large)} bytes, not just over 4 MiB")
    made = {
        REAL_PHOTO: ((ROOT / "scripts/fixtures/photo.jpg").read_bytes(), "completed"),
        "meadow.png": (photos.photo_png(), "completed"),
        "grain-1600x1000.png": (large, "completed"),
        "damaged.jpg": (photos.corrupt_jpeg(), "failed"),
        # An iPhone-style portrait HEIC (scripts/heif-samples): HEVC, stored landscape and
        # turned by irot, EXIF orientation 6 as well; Chromium cannot show the file itself.
        PHONE_PHOTO: ((ROOT / "crates/heif/tests/samples/orientation-6.heic").read_bytes(), "completed"),
    }
    result = {}
    for name, (data, end) in made.items():
        path = folder / name
        path.write_bytes(data)
        result[name] = (path, end)
    print("photos: " + ", ".join(f"{n} ({p.stat().st_size / 1024:.0f} KB)" for n, (p, _) in result.items()))
    return result


def run(page, context, args, token, files, problems, checked, frames):
    started = time.monotonic()
    if args.block_live:
        # Every WebSocket of the page is closed at once, as a proxy that refuses it would.
        page.route_web_socket(re.compile(".*"), lambda ws: ws.close(code=1011, reason="blocked by the test"))
    check_link_asks_first(page, args, token, checked)
    check_who(page, token, checked)
    check_webhook_secret(page, checked)
    page.evaluate(WATCH_STATES)
    # Every thumbnail's AVIF waits here until the placeholders have been seen in its place.
    held, released = [], []
    page.route(is_thumbnail_avif, lambda route: route.continue_() if released else held.append(route))
    avif_answers = []  # (url, status, content-type) of every AVIF Chromium received
    page.on("response", lambda r: ".avif" in r.url.split("?")[0]
            and avif_answers.append((r.url.split("?")[0], r.status, r.headers.get("content-type", ""))))
    live_url = page.locator('meta[name="ferrotype-live"]').get_attribute("content") or ""

    # The file control, reached with Tab alone and opened with Enter, as a keyboard user would.
    for presses in range(1, 15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement?.id") == "files":
            break
    else:
        raise Failure("Tab never reached the file input")
    outline = page.evaluate("getComputedStyle(document.querySelector('label[for=files]')).outlineStyle")
    if outline in ("none", ""):
        raise Failure("the drop zone shows no focus outline while its input has the keyboard focus")
    paths = [str(path) for path, _ in files.values()]
    try:
        with page.expect_file_chooser(timeout=5_000) as chooser:
            page.keyboard.press("Enter")
        chooser.value.set_files(paths)
        how = "Enter opened the file chooser"
    except PlaywrightError as error:
        page.set_input_files("#files", paths)
        how = f"Enter opened no chooser ({str(error).splitlines()[0]}); set the files on the input"
    checked.append(f"the file control is reached with Tab ({presses} presses) and shows its focus; {how}")

    items = wait_for_end(page, files, args.timeout, problems)
    for name, (_, end) in files.items():
        item = items[name]
        if item["state"] != end:
            raise Failure(f"{name} ended {item['state']!r}, not {end!r}: {item['status']!r}")
    checked.append(f"all {len(files)} items ended as expected in {time.monotonic() - started:.1f} s: "
                   + ", ".join(f"{n} {items[n]['state']}" for n in files))

    docs = {name: status_document(context, args.url, token, items[name]["job"])
            for name, (_, end) in files.items() if end == "completed"}
    check_placeholder(page, items[REAL_PHOTO]["job"], docs[REAL_PHOTO], held, args.artifacts, checked)
    released.append(True)
    for route in held:
        try:
            route.continue_()
        except PlaywrightError as error:  # one Chromium itself gave up on meanwhile
            if "already handled" not in str(error):
                raise
    checked.append(f"{len(held)} thumbnail AVIF request(s) were held until the placeholders had been seen")

    for name, (_, end) in files.items():
        li = page.locator(f"li.job[data-job-id='{items[name]['job']}']")
        if end == "completed":
            check_completed(page, context, li, name, docs[name], avif_answers, checked)
            if name == REAL_PHOTO:
                li.locator(".images").screenshot(path=str(args.artifacts / "picture.png"))
        else:
            status = items[name]["status"]
            if not DAMAGED.search(status):
                raise Failure(f"{name} failed, but its words do not say it is damaged: {status!r}")
            checked.append(f"{name}: failed with {status!r}")

    history = {entry["name"]: entry["states"] for entry in page.evaluate("window.__stateHistory()")}
    for name, (_, end) in files.items():
        states = history.get(name, [])
        unknown = set(states) - ALL_STATES
        if unknown:
            raise Failure(f"{name} went through states the page should not use: {unknown}")
        if states[:1] != ["uploading"] or not {"queued", "processing"} & set(states):
            raise Failure(f"{name} went {' -> '.join(states)}: expected uploading first, then queued or processing")
        checked.append(f"{name}: {' -> '.join(states)}")

    body = page.evaluate("({ ...document.body.dataset })")
    messages, polls = int(body.get("socketMessages", 0)), int(body.get("polls", 0))
    channel = (f"the live channel {live_url} carried {messages} messages; {polls} polls of GET /images/{{id}}"
               if live_url else f"no live channel on the page: {polls} polls of GET /images/{{id}}")
    if args.block_live:
        if messages or not polls:
            raise Failure(f"with the socket blocked the page got {messages} socket messages and made {polls} polls")
    elif live_url and messages == 0:
        raise Failure(f"the page names a live channel ({live_url}) but no message came over it ({polls} polls instead)")
    checked.append(f"{channel} (data-live={body.get('live')!r} at the end)")
    if frames:
        print("\nover the live channel, per job:")
        print_frames(frames, {items[n]["job"]: n for n in files}, token)

    print("\nupload 100% -> end state, as the page saw it:")
    for name in files:
        item = items[name]
        if item["uploadedAt"] and item["endedAt"]:
            print(f"  {name:22} {(item['endedAt'] - item['uploadedAt']) / 1000:6.2f} s  ({item['state']})")
        else:
            print(f"  {name:22} (no timestamps: uploaded {item['uploadedAt']}, ended {item['endedAt']})")

    # Phone layout: nothing sticks out sideways, even at 360 px.
    for width in (PHONE["width"], 360):
        page.set_viewport_size({"width": width, "height": PHONE["height"]})
        # Against the width asked for: a phone's browser zooms out to fit wider content,
        # and innerWidth grows with it.
        overflow = page.evaluate("document.documentElement.scrollWidth") - width
        if overflow > 0:
            raise Failure(f"at {width} px wide the page is {overflow} px too wide")
    page.set_viewport_size(PHONE)
    checked.append("no sideways scrolling at 390 and 360 px wide")
    if problems:
        raise Failure(f"{len(problems)} console or page error(s), listed below")
    page.screenshot(path=str(args.artifacts / "page.png"), full_page=True)

    check_history(page, context, args, token, items, files, problems, checked)
    check_refusals(page, args.artifacts / "photos", checked)
    check_sign_out_and_refused_key(page, files, args.artifacts, problems, checked)


LISTED = """() => [...document.querySelectorAll("#history-list li.card")].map((li) => ({
  job: li.dataset.jobId, state: li.dataset.state,
  status: li.querySelector(".status")?.textContent ?? "",
}))"""


def check_history(page, context, args, token, items, files, problems, checked):
    """After a reload the page lists the caller's photos from GET /images: this test's jobs
    (paging on with "Show older photos" past other tests' jobs of the same caller), each
    completed one's thumbnail loaded over its placeholder, the failed one saying why; a
    direct upload left waiting before the reload is followed live to completed once its
    photo is sent; the failed one is deleted from the keyboard; nothing sticks out at 360 px.
    DIR/history.png shows the list."""
    base = args.url.rstrip("/")
    auth = {"Authorization": f"Bearer {token}"}
    photo = (ROOT / "scripts/fixtures/photo.jpg").read_bytes()
    answer = context.request.post(f"{base}/uploads", headers={**auth, "Content-Type": "application/json"},
                                  data=json.dumps({"content_type": "image/jpeg", "content_length": len(photo)}))
    if answer.status != 201:
        raise Failure(f"POST /uploads answered {answer.status}: {answer.text()[:300]}")
    session = answer.json()
    waiting = session["id"]
    ours = {items[name]["job"]: end for name, (_, end) in files.items()}

    page.reload(wait_until="load")
    history = page.locator("#history")
    listed = []
    for pages in range(1, 30):
        expect(history).to_be_visible()
        expect(history).not_to_have_attribute("aria-busy", "true", timeout=30_000)
        listed = page.evaluate(LISTED)
        jobs = [entry["job"] for entry in listed]
        if set(ours) | {waiting} <= set(jobs):
            break
        more = page.locator("#history-more")
        if not more.is_visible():
            missing = (set(ours) | {waiting}) - set(jobs)
            raise Failure(f"after a reload the history lists {len(jobs)} photos and no more, without {missing}")
        more.click()
    else:
        raise Failure("the history never listed this test's jobs")
    jobs = [entry["job"] for entry in listed]
    if len(jobs) != len(set(jobs)):
        raise Failure(f"the history lists a photo twice: {jobs}")
    checked.append(f"after a reload the history lists this test's {len(ours) + 1} jobs "
                   f"({pages} page(s) of 12, {len(jobs)} cards, none twice)")

    # The waiting upload is in flight; its photo is sent now, and the card follows it.
    card = page.locator(f"#history-list li.card[data-job-id='{waiting}']")
    state = card.get_attribute("data-state")
    if state != "queued":
        raise Failure(f"the direct upload left waiting shows {state!r}, not queued")
    upload = session["upload"]
    headers = {k: v for k, v in upload["headers"].items() if k.lower() != "content-length"}
    sent = context.request.put(upload["url"], headers=headers, data=photo)
    if sent.status != 200:
        raise Failure(f"the PUT of the waiting upload answered {sent.status}")
    expect(card).to_have_attribute("data-state", "completed", timeout=60_000)
    checked.append("a job in flight across the reload is followed to completed on its card, without another reload")

    for job, end in list(ours.items()) + [(waiting, "completed")]:
        card = page.locator(f"#history-list li.card[data-job-id='{job}']")
        card.scroll_into_view_if_needed()
        expect(card).to_have_attribute("data-state", end)
        if end == "completed":
            frame = card.locator(".frame")
            expect(frame).to_have_attribute("data-loaded", re.compile(r"^\d+$"), timeout=30_000)
            current = card.locator("img.photo").evaluate("(img) => img.currentSrc")
            if not current.split("?")[0].endswith(".avif"):
                raise Failure(f"job {job}'s card shows {current.split('?')[0]!r}, not the thumbnail's AVIF")
            color = frame.evaluate("(f) => f.style.getPropertyValue('--placeholder')")
            if not re.fullmatch(r"#[0-9a-f]{6}", color):
                raise Failure(f"job {job}'s card has no placeholder colour ({color!r})")
        else:
            words = card.locator(".status").inner_text()
            if not DAMAGED.search(words):
                raise Failure(f"the failed job's card says {words!r}, not that the file is damaged")
    checked.append(f"each completed card loaded its thumbnail's AVIF over its placeholder colour; the failed one says why")

    for width in (PHONE["width"], 360):
        page.set_viewport_size({"width": width, "height": PHONE["height"]})
        overflow = page.evaluate("document.documentElement.scrollWidth") - width
        if overflow > 0:
            raise Failure(f"with the history, at {width} px wide the page is {overflow} px too wide")
    history.screenshot(path=str(args.artifacts / "history.png"))
    page.set_viewport_size(PHONE)

    failed = next(job for job, end in ours.items() if end == "failed")
    card = page.locator(f"#history-list li.card[data-job-id='{failed}']")
    button = card.locator("button.delete")
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_text("Confirm delete")
    if not button.evaluate("(b) => b === document.activeElement"):
        raise Failure("after Delete the keyboard focus left the button that confirms")
    page.keyboard.press("Enter")
    expect(card).to_have_count(0, timeout=15_000)
    focused = page.evaluate("document.activeElement?.matches('#history-list button.delete, #history-title')")
    if not focused:
        raise Failure("after a delete the keyboard focus is not on the next card or the heading")
    gone = context.request.get(f"{base}/images/{failed}", headers=auth)
    if gone.status != 404:
        raise Failure(f"the deleted job still answers {gone.status}")
    checked.append("the failed card is deleted with Enter, Enter (a confirmation first); the job answers 404 and the focus stays in the list")
    if problems:
        raise Failure(f"{len(problems)} console or page error(s), listed below")


def check_link_asks_first(page, args, token, checked):
    """A link's #token= is used only after the person accepts it; a declined one is dropped
    and no request carries it. The accepted one signs in, from the keyboard."""
    planted = unsigned_jwt({"iss": "https://id.attacker.example", "sub": "mallory", "exp": 4102444800})
    carried = []
    watcher = lambda request: (request.headers.get("authorization") or "").endswith(planted) and carried.append(request.url)
    page.on("request", watcher)
    # The first request may start (or rebuild) the page function locally: be patient.
    page.goto(f"{args.url}?from=mail#token={planted}", wait_until="load", timeout=120_000)
    dialog = page.locator("#adopt")
    if not dialog.is_visible():
        raise Failure("a link with #token= did not ask before signing in")
    if "#" in page.url or planted in page.url:
        raise Failure(f"the offered token is still in the address bar while asking: {page.url}")
    words = dialog.inner_text()
    if "mallory" not in words or "id.attacker.example" not in words:
        raise Failure(f"the question does not say whose sign-in the link carries: {words!r}")
    if page.locator("#work").is_visible():
        raise Failure("the upload area is shown before the link's sign-in was accepted")
    if page.evaluate("document.activeElement?.id") != "adopt-accept":
        raise Failure("the question does not take the keyboard focus")
    page.get_by_role("button", name="Don’t sign in").click()
    if dialog.is_visible() or not page.locator("#sign-in").is_visible():
        raise Failure("declining the link did not bring the sign-in form")
    if page.evaluate("sessionStorage.length"):
        raise Failure("a declined link's token was kept in sessionStorage")
    page.wait_for_timeout(500)  # time for a request, were one made
    checked.append(f"a link carrying another's #token= asks first, naming {page.locator('#adopt-who').text_content()!r}; declined, it is dropped")

    page.goto(f"{args.url}#token={token}", wait_until="load", timeout=120_000)
    if not dialog.is_visible():
        raise Failure("the link with the test's token did not ask either")
    page.keyboard.press("Enter")  # the focused "Sign in with the link"
    page.remove_listener("request", watcher)
    if carried:
        raise Failure(f"the declined token was sent: {carried}")
    if "#" in page.url or token in page.url:
        raise Failure(f"the token is still in the address bar: {page.url}")
    if not page.locator("#work").is_visible() or page.locator("#sign-in").is_visible():
        raise Failure("after accepting the link the upload area is not shown (or the sign-in form still is)")
    checked.append("the link with the test's token, accepted with Enter, signs in; the token left the address bar; no request carried the declined one")


def check_who(page, token, checked):
    """The header names the caller: an API key by its key id's start, a JWT by sub and iss."""
    who = page.locator("#who")
    if not who.is_visible():
        raise Failure("the page does not show who is signed in")
    words = who.inner_text()
    if token.startswith("ftk_"):
        expected = token[4:12]
    else:
        payload = token.split(".")[1]
        expected = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]
    if expected not in words:
        raise Failure(f"the signed-in caller reads {words!r}, without {expected!r}")
    if len(token) > 24 and token[12:] in words:
        raise Failure("the whole credential is shown as who is signed in")
    if not page.get_by_role("button", name="Sign out").is_visible():
        raise Failure("no Sign out beside who is signed in")
    checked.append(f"shows who is signed in: {' '.join(words.split())!r}, with Sign out")


def check_webhook_secret(page, checked):
    """Where the API has GET /webhook-secret: masked, shown and hidden with the keyboard,
    rotated (the previous one said to sign on); where it answers 404, nothing is shown."""
    section = page.locator("#webhook")
    deadline = time.monotonic() + 30
    answered = WEBHOOK_ANSWERS
    while time.monotonic() < deadline and not section.is_visible():
        if answered and answered[-1] != 200:
            break
        page.wait_for_timeout(250)
    if not section.is_visible():
        if answered and answered[-1] == 404:
            checked.append("GET /webhook-secret answers 404 here: the page shows no secret")
            return
        raise Failure(f"the webhook secret is not shown (GET /webhook-secret answered {answered})")
    code = page.locator("#webhook-secret")
    masked = code.inner_text()
    if not masked.startswith("whsec_") or "•" not in masked:
        raise Failure(f"the secret is not shown masked: {masked!r}")
    page.locator("#webhook-reveal").focus()
    page.keyboard.press("Enter")
    secret = code.inner_text()
    if "•" in secret or not secret.startswith("whsec_") or len(secret) < 20:
        raise Failure(f"Show did not show the secret: {secret!r}")
    if page.locator("#webhook-reveal").get_attribute("aria-pressed") != "true":
        raise Failure("Show does not say it is pressed (aria-pressed)")
    page.keyboard.press("Enter")
    if code.inner_text() != masked:
        raise Failure("Hide did not mask the secret again")
    with page.expect_response(lambda r: r.url.endswith("/webhook-secret/rotate")) as rotation:
        page.get_by_role("button", name="Rotate").click()
    if rotation.value.status != 200:
        raise Failure(f"POST /webhook-secret/rotate answered {rotation.value.status}")
    # Locator waits run in Playwright's own script, which the page's CSP (no eval) allows.
    expect(page.locator("#webhook-message")).to_have_text(re.compile(r"^Rotated"))
    page.locator("#webhook-reveal").click()
    rotated = code.inner_text()
    page.locator("#webhook-reveal").click()
    if rotated == secret or not rotated.startswith("whsec_"):
        raise Failure(f"after Rotate the secret shown is {rotated!r} (before: the same? {rotated == secret})")
    # Copy: into the clipboard where the browser allows it, else shown and selected.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy").click()
    expect(page.locator("#webhook-message")).to_have_text(re.compile(r"^(Copied|The browser)"))
    said = page.locator("#webhook-message").inner_text()
    if said.startswith("Copied"):
        copied = page.evaluate("navigator.clipboard.readText()")
        if copied != rotated:
            raise Failure(f"Copy said {said!r} but the clipboard holds {copied!r}")
    elif page.evaluate("getSelection().toString()") != rotated:
        raise Failure(f"Copy neither copied nor selected the secret: {said!r}")
    previous = page.locator("#webhook-previous")
    if not previous.is_visible() or secret[-4:] not in previous.inner_text():
        raise Failure(f"after Rotate the previous secret's overlap is not said: {previous.inner_text()!r}")
    checked.append(f"the webhook secret: shown masked ({masked}), Show/Hide with Enter, Rotate gives a new one, Copy: {said!r}; {previous.inner_text()!r}")
    # The keyboard walk to the file control below starts from the top of the page again.
    page.evaluate("document.activeElement?.blur()")


def check_refusals(page, folder, checked):
    """A file of another type and one over 50 MiB are refused on the page, with no request."""
    text = folder / "notes.txt"
    text.write_text("not a photo\n")
    huge = folder / "huge.png"
    with huge.open("wb") as file:  # sparse: 51 MiB on the page, nothing on disk
        file.truncate(51 * 1024 * 1024)
    asked = []
    watcher = lambda request: "/uploads" in request.url and asked.append(request.url)
    page.on("request", watcher)
    before = page.locator("li.job").count()
    page.set_input_files("#files", [str(text), str(huge)])
    page.wait_for_function(f"document.querySelectorAll('li.job').length === {before + 2}")
    page.wait_for_timeout(500)  # time for a request, were one made
    page.remove_listener("request", watcher)
    huge.unlink()  # sparse here, but 51 MiB wherever the artifacts are copied
    for name in ("notes.txt", "huge.png"):
        item = page.locator("li.job", has=page.locator(".name", has_text=name))
        state, words = item.get_attribute("data-state"), item.locator(".status").inner_text()
        if state != "error" or not words.startswith("Not uploaded"):
            raise Failure(f"{name} was not refused on the page: {state!r}, {words!r}")
        checked.append(f"{name}: refused on the page: {words!r}")
    if asked:
        raise Failure(f"refused files still made requests: {asked}")
    checked.append("the refused files made no request")


def check_sign_out_and_refused_key(page, files, artifacts, problems, checked):
    """Sign out clears the tab; a key the API refuses (401) brings the form back, in words."""
    page.get_by_role("button", name="Sign out").click()
    if not page.locator("#sign-in").is_visible() or page.locator("li.job").count():
        raise Failure("after Sign out the sign-in form is not shown, or the jobs still are")
    if page.evaluate("sessionStorage.length"):
        raise Failure("after Sign out the credential is still in sessionStorage")
    checked.append("Sign out shows the sign-in form, clears the list and sessionStorage")

    if page.locator("#who").is_visible():
        raise Failure("after Sign out the page still names who was signed in")
    page.get_by_label("API key or token").fill("ftk_0000000000000000_not-a-real-key")
    seen = len(problems)
    page.keyboard.press("Enter")  # the form submits from the keyboard
    message = page.locator("#sign-in-message")
    try:
        # Where the API has GET /webhook-secret, signing in asks it at once: refused (401).
        message.wait_for(state="visible", timeout=5_000)
    except PlaywrightError:
        if not page.locator("#work").is_visible():
            raise Failure("signing in with the form did not show the upload area")
        path, _ = next(iter(files.values()))
        page.set_input_files("#files", [str(path)])
        message.wait_for(state="visible", timeout=30_000)
    # The browser itself logs the 401 it was answered: expected here, not the page's fault.
    problems[seen:] = [p for p in problems[seen:] if "status of 401" not in p]
    words = message.inner_text()
    if "not accepted" not in words:
        raise Failure(f"a refused key shows {words!r}, not why")
    page.screenshot(path=str(artifacts / "sign-in.png"), full_page=True)
    checked.append(f"a key the API refuses (401) brings back the form saying {words!r}")


def print_frames(frames, names, token):
    """What the socket carried: the subscribes sent, then each job's statuses in order."""
    sent = [json.loads(text) for way, text in frames if way == "sent"]
    print(f"  sent {len(sent)} subscribe message(s) naming {sum(len(m.get('jobs', [])) for m in sent)} job(s)"
          + ("" if all(m.get("token") == token for m in sent) else " (NOT all with the token)"))
    statuses = {}
    for way, text in frames:
        if way != "received":
            continue
        message = json.loads(text)
        if message.get("type") == "status":
            job = message["job"]
            statuses.setdefault(job["id"], []).append(job["status"])
        else:
            print(f"  received {text}")
    for job, seen in statuses.items():
        print(f"  {names.get(job, job):22} {' -> '.join(seen)}")


def wait_for_end(page, files, timeout, problems):
    """Every item in its end state; prints each change of state as it is seen."""
    deadline = time.monotonic() + timeout
    last = {}
    while True:
        items = {item["name"]: item for item in page.evaluate(ITEMS)}
        for name, item in items.items():
            if last.get(name) != item["state"]:
                print(f"  {time.strftime('%H:%M:%S')} {name}: {item['state']} - {item['status']}")
                last[name] = item["state"]
        missing = set(files) - set(items)
        if not missing and all(item["state"] in END_STATES for item in items.values()):
            return items
        if problems:
            raise Failure(f"{problems[0]} (while waiting for the jobs)")
        if time.monotonic() > deadline:
            pending = {n: i["state"] for n, i in items.items() if i["state"] not in END_STATES}
            raise Failure(f"timed out after {timeout:.0f} s: still {pending or ''}{' missing ' + str(missing) if missing else ''}")
        page.wait_for_timeout(250)


def is_thumbnail_avif(url: str) -> bool:
    return url.split("?")[0].endswith("/thumbnail.avif")


def status_document(context, page_url, token, job) -> dict:
    """GET /images/{id}, as the page's caller: the sizes and colours the page must show."""
    response = context.request.get(f"{page_url.rstrip('/')}/images/{job}",
                                   headers={"Authorization": f"Bearer {token}"})
    if response.status != 200:
        raise Failure(f"GET /images/{job} answered {response.status}: {response.text()[:300]}")
    doc = response.json()
    if doc.get("status") != "completed" or not doc.get("variants") or not doc.get("placeholder"):
        raise Failure(f"job {job}'s document has no variants or placeholder: {json.dumps(doc)[:600]}")
    return doc


def check_placeholder(page, job, doc, held, artifacts, checked):
    """While its thumbnail's AVIF is held: the box is the document's size, carries its
    dominant colour and shows the ThumbHash as a decoded image; the photo is not loaded."""
    li = page.locator(f"li.job[data-job-id='{job}']")
    frame = li.locator(".frame[data-variant='thumbnail']")
    expect(frame).to_have_count(1)
    deadline = time.monotonic() + 15
    while not any(job in route.request.url for route in held):
        if time.monotonic() > deadline:
            raise Failure(f"{REAL_PHOTO}: its thumbnail's AVIF was never asked for (held: {len(held)})")
        page.wait_for_timeout(100)
    color = doc["placeholder"]["color"]
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    expect(frame).to_have_css("background-color", f"rgb({r}, {g}, {b})")
    expect(frame).not_to_have_attribute("data-loaded", re.compile(".*"))
    cover = frame.locator("img.placeholder")
    expect(cover).to_be_visible()
    expect(cover).to_have_attribute("alt", "")
    expect(cover).to_have_js_property("complete", True)
    drawn = cover.evaluate("(img) => [img.naturalWidth, img.naturalHeight, img.src.slice(0, 5)]")
    if drawn[0] <= 0 or drawn[1] <= 0 or drawn[2] != "blob:":
        raise Failure(f"{REAL_PHOTO}: the ThumbHash is not drawn as an image: {drawn}")
    variant = doc["variants"]["thumbnail"]
    box = frame.bounding_box()
    if abs(box["width"] / box["height"] - variant["width"] / variant["height"]) > 0.02:
        raise Failure(f"{REAL_PHOTO}: the waiting box is {box}, not the thumbnail's shape {variant['width']}×{variant['height']}")
    li.scroll_into_view_if_needed()
    li.screenshot(path=str(artifacts / "placeholder.png"))
    checked.append(f"{REAL_PHOTO}: before its thumbnail loaded the box ({box['width']:.0f}×{box['height']:.0f} css px) "
                   f"showed the dominant colour {color} and the ThumbHash as a {drawn[0]}×{drawn[1]} image "
                   f"(data-placeholder={frame.get_attribute('data-placeholder')!r}); placeholder.png")


def check_completed(page, context, li, name, doc, avif_answers, checked):
    sizes = []
    if name == PHONE_PHOTO:
        preview = doc["variants"]["preview"]
        if not preview["width"] < preview["height"] or doc["outputs"]["original"]["content_type"] != "image/heic":
            raise Failure(f"{name}: not an upright HEIC portrait: {preview['width']}×{preview['height']}, {doc['outputs']['original']}")
    for variant_name, caption in (("thumbnail", "Thumbnail"), ("preview", "Preview")):
        variant = doc["variants"][variant_name]
        formats = variant["formats"]
        frame = li.locator(f".frame[data-variant='{variant_name}']")
        expect(frame).to_have_count(1)
        frame.scroll_into_view_if_needed()
        sources = frame.locator("picture source")
        types = [sources.nth(i).get_attribute("type") for i in range(sources.count())]
        if types != SOURCES:
            raise Failure(f"{name}: the {variant_name}'s <picture> offers {types}, not {SOURCES}")
        for index, format in enumerate(("avif", "webp")):
            srcset = sources.nth(index).get_attribute("srcset") or ""
            if srcset.split("?")[0] != formats[format]["url"].split("?")[0]:
                raise Failure(f"{name}: the {variant_name}'s {format} source is {srcset[:120]!r}")
        photo = frame.locator("picture img.photo")
        fallback = formats.get("jpeg") or formats.get("png")
        if (photo.get_attribute("src") or "").split("?")[0] != fallback["url"].split("?")[0]:
            raise Failure(f"{name}: the {variant_name}'s <img> is not its JPEG or PNG")
        if photo.get_attribute("width") != str(variant["width"]) or photo.get_attribute("height") != str(variant["height"]):
            raise Failure(f"{name}: the {variant_name}'s <img> is not sized {variant['width']}×{variant['height']} (no layout shift)")
        alt = photo.get_attribute("alt") or ""
        if not alt.startswith(f"{caption} of ") or name not in alt:
            raise Failure(f"{name}: the {variant_name}'s alt text is {alt!r}")
        # Loaded, not failed: the page notes the load event on the box.
        expect(frame).to_have_attribute("data-loaded", re.compile(r"^\d+$"), timeout=30_000)
        expect(photo).to_be_visible()
        width, height, current = photo.evaluate("(img) => [img.naturalWidth, img.naturalHeight, img.currentSrc]")
        if not current.split("?")[0].endswith(f"/{variant_name}.avif"):
            raise Failure(f"{name}: Chromium showed {current.split('?')[0]!r} for the {variant_name}, not its AVIF")
        if (width, height) != (variant["width"], variant["height"]):
            raise Failure(f"{name}: the {variant_name}'s AVIF decoded at {width}×{height}, not {variant['width']}×{variant['height']}")
        answers = [a for a in avif_answers if a[0] == current.split("?")[0]]
        if not any(status == 200 and kind == "image/avif" for _, status, kind in answers):
            raise Failure(f"{name}: the {variant_name}'s AVIF answers seen: {answers}")
        # Each format's size under the picture, as the document gives it.
        for format, link in formats.items():
            said = li.locator(f"figure:has(.frame[data-variant='{variant_name}']) figcaption [data-format='{format}']")
            words = said.inner_text() if said.count() else ""
            match = re.fullmatch(rf"{LABELS[format]} (\d+(?:\.\d)?) (kB|B|MB)", words)
            scale = {"B": 1, "kB": 1000, "MB": 1_000_000}[match.group(2)] if match else 0
            if not match or abs(float(match.group(1)) * scale - link["bytes"]) > scale / 20 + 0.5:
                raise Failure(f"{name}: the {variant_name}'s {format} size reads {words!r}, the file is {link['bytes']} bytes")
        caption_words = li.locator(f"figure:has(.frame[data-variant='{variant_name}']) figcaption").inner_text()
        sizes.append(f"{variant_name} AVIF {width}x{height} ({caption_words.splitlines()[-1]})")
    links = li.locator(".downloads a")
    if links.count() != 4:
        raise Failure(f"{name}: {links.count()} download links, not 4")
    answers = []
    for index in range(links.count()):
        link = links.nth(index)
        href, label = link.get_attribute("href"), link.inner_text()
        response = context.request.get(href)
        if response.status != 200:
            raise Failure(f"{name}: the {label} link answered {response.status}: {href}")
        kind = response.headers.get("content-type", "")
        if not kind.startswith("image/") or not response.body():
            raise Failure(f"{name}: the {label} link answered {kind!r}, {len(response.body())} bytes")
        answers.append(f"{label} {kind} {len(response.body()) / 1024:.0f} KB")
    checked.append(f"{name}: completed; Chromium loaded {'; '.join(sizes)}; links answer 200: {', '.join(answers)}")


if __name__ == "__main__":
    sys.exit(main())
