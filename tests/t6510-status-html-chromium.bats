#!/usr/bin/env bats
# status --html as a person opens it: headless Chromium lays the report of
# the recorded search hpo out and draws it.  The DOM it built must hold
# the plots as SVG elements (one circle per finished trial and plot, one
# polyline per trial in the parallel coordinates), and the screenshot
# must show data drawn inside every plot, not an empty frame.
# t6500-status.bats checks the bytes written; this checks what is seen.

bats_require_minimum_version 1.5.0
load lib/common

CLUSTER="$TESTS_DIR/data/status/cluster"
export KATIB_NOW=2026-11-20T12:00:00Z
# Narrow, so that the plots are scaled down (max-width:100%) and the
# screenshot stays small enough to decode quickly; tall enough to hold
# every plot.
WINDOW=480,1700

setup() {
	CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
	if [ -z "$CHROMIUM" ]; then
		# scripts/install-deps installs it; CI must not pass by skipping.
		if [ "${CI:-}" = true ]; then
			echo "chromium is missing: run scripts/install-deps (Debian package chromium)" >&2
			return 1
		fi
		skip "CHROMIUM IS NOT INSTALLED: the rendered report was not checked (scripts/install-deps)"
	fi
	# Chromium writes its profile under HOME and the user data dir.
	export HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$HOME"
}

# chromium ARGS...: headless, sandboxless (the tests may run as root), no
# GPU, a profile of its own; bounded in time.
chromium() {
	timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--user-data-dir="$BATS_TEST_TMPDIR/profile" --no-first-run \
		--hide-scrollbars --force-device-scale-factor=1 \
		--window-size="$WINDOW" "$@" 2> "$BATS_TEST_TMPDIR/chromium.err"
}

@test "status --html: Chromium builds the plots as SVG and draws data in each" {
	local html="$BATS_TEST_TMPDIR/hpo.html" probe="$BATS_TEST_TMPDIR/probe.html"
	run --separate-stderr -0 katib status experiment hpo -n ml --from "$CLUSTER" --html "$html"

	# The report itself runs no script.  A copy with one appended asks the
	# browser what it built and where it laid each plot out, and writes the
	# answer into the DOM that --dump-dom prints.
	sed 's|</body>|<script>document.body.setAttribute("data-probe", JSON.stringify({\
svg: [...document.querySelectorAll("svg")].map(s => { const r = s.getBoundingClientRect();\
  return {cls: s.getAttribute("class"), x: r.left, y: r.top, w: r.width, h: r.height,\
    circles: s.querySelectorAll("circle.trial").length,\
    svgCircles: [...s.querySelectorAll("circle.trial")].filter(c => c instanceof SVGCircleElement).length,\
    polylines: [...s.querySelectorAll("polyline")].filter(p => p instanceof SVGPolylineElement).length,\
    lines: s.querySelectorAll("polyline.line").length}; }),\
rows: document.querySelectorAll("table tr").length}))</script></body>|' "$html" > "$probe"
	grep -q 'data-probe' "$probe"
	chromium --dump-dom "file://$probe" > "$BATS_TEST_TMPDIR/dom.html" ||
		{ cat "$BATS_TEST_TMPDIR/chromium.err"; false; }
	python3 - "$BATS_TEST_TMPDIR/dom.html" > "$BATS_TEST_TMPDIR/boxes.json" <<'PY'
import html, json, re, sys
m = re.search(r'data-probe="([^"]*)"', open(sys.argv[1], encoding="utf-8").read())
print(html.unescape(m.group(1)))
PY
	local probe_json
	probe_json=$(cat "$BATS_TEST_TMPDIR/boxes.json")
	echo "$probe_json"
	# best so far, parallel coordinates, one scatter per parameter
	[ "$(jq -r '[.svg[].cls] | join(" ")' <<< "$probe_json")" = "curve parallel scatter scatter scatter" ]
	# five finished trials with an objective: a point each in every plot,
	# as SVG circles (not HTML elements of that name), and a line each
	[ "$(jq -c '[.svg[] | .circles]' <<< "$probe_json")" = "[5,0,5,5,5]" ]
	[ "$(jq -c '[.svg[] | .svgCircles]' <<< "$probe_json")" = "[5,0,5,5,5]" ]
	[ "$(jq -c '[.svg[] | .lines]' <<< "$probe_json")" = "[0,5,0,0,0]" ]
	# the best-so-far curve is a polyline too
	[ "$(jq '.svg[0].polylines' <<< "$probe_json")" -ge 1 ]
	# a header row and eight trials
	[ "$(jq '.rows' <<< "$probe_json")" -eq 9 ]
	# every plot laid out at a real size, scaled to the narrow window
	jq -e '.svg | all(.w > 300 and .w <= 480 and .h > 150)' <<< "$probe_json" > /dev/null

	# The report as it is, drawn; the same window lays it out the same way.
	chromium --screenshot="$BATS_TEST_TMPDIR/hpo.png" "file://$html" ||
		{ cat "$BATS_TEST_TMPDIR/chromium.err"; false; }
	[ -s "$BATS_TEST_TMPDIR/hpo.png" ]
	run python3 "$TESTS_DIR/helper/png-regions.py" "$BATS_TEST_TMPDIR/hpo.png" \
		"$(jq -c .svg <<< "$probe_json")" 40
	echo "$output"
	[ "$status" -eq 0 ]
	# the checker looked at all five plots
	[ "${#lines[@]}" -eq 5 ]
}
