# fetch-lib.sh - helpers for end-to-end cases that crawl zp-sim with
# zp-fetch and compare what came out with the simulator's ground truth.
# Source it after sim-lib.sh:
#   . "$SRC/tests/e2e/sim-lib.sh"; . "$SRC/tests/e2e/fetch-lib.sh"
# Credentials travel in the environment, never in a command line.

# fetch ARGS... - run zp-fetch against the running zp-sim as account acme.
fetch() {
	ZP_ZOOM_ACCOUNT_ID=${FETCH_ACCOUNT:-acme} \
	    ZP_ZOOM_CLIENT_ID=zp-sim-client \
	    ZP_ZOOM_CLIENT_SECRET=$ZP_SIM_CLIENT_SECRET \
	    zp-fetch --oauth-url "$SIM_URL" "$@"
}

# fetch_bg OUT ERR ARGS... - start zp-fetch in the background with its
# output in OUT and its log in ERR; FETCH_PID is zp-fetch itself (not a
# subshell), so that signals reach it.
fetch_bg() {
	_out=$1 _err=$2
	shift 2
	ZP_ZOOM_ACCOUNT_ID=${FETCH_ACCOUNT:-acme} \
	    ZP_ZOOM_CLIENT_ID=zp-sim-client \
	    ZP_ZOOM_CLIENT_SECRET=$ZP_SIM_CLIENT_SECRET \
	    zp-fetch --oauth-url "$SIM_URL" "$@" > "$_out" 2> "$_err" &
	FETCH_PID=$!
}

# JQ_SEG: the path segment of a meeting UUID as Zoom wants it (encoded
# twice when it begins with / or holds //).
JQ_SEG='def seg: if startswith("/") or contains("//") then @uri | @uri
    else @uri end;'

# found_sets FILE - from the envelopes in FILE (pages of status 200 only;
# a line cut short by a kill is left out),
# write found.users, found.instances, found.parts, found.wparts and
# found.recordings, each sorted and without repeats.
found_sets() {
	jq -R -c 'fromjson? // empty' "$1" > found.envelopes
	set -- found.envelopes
	jq -r 'select(.kind == "page" and .status == 200 and
	    .endpoint == "/v2/users") | .body.users[] | .id' "$1" |
	    sort -u > found.users
	jq -r 'select(.kind == "page" and .status == 200 and
	    .endpoint == "/v2/report/users/{userId}/meetings") |
	    .body.meetings[] | .uuid' "$1" | sort -u > found.instances
	jq -r 'select(.kind == "page" and .status == 200 and
	    (.endpoint == "/v2/past_meetings/{meetingId}/participants" or
	    .endpoint == "/v2/report/meetings/{meetingId}/participants")) |
	    (.path | capture("meetings/(?<s>[^/]+)/participants") | .s) as $s |
	    .body.participants[] | [$s, .user_id, .id, .user_email,
	    .join_time, .leave_time] | @tsv' "$1" | sort -u > found.parts
	jq -r 'select(.kind == "page" and .status == 200 and
	    .endpoint == "/v2/past_webinars/{webinarId}/participants") |
	    (.path | capture("/past_webinars/(?<s>[^/]+)/") | .s) as $s |
	    .body.participants[] | [$s, .user_id, .id, .user_email,
	    .join_time, .leave_time] | @tsv' "$1" | sort -u > found.wparts
	jq -r 'select(.kind == "page" and .status == 200 and
	    .endpoint == "/v2/users/{userId}/recordings") |
	    .body.meetings[] | .uuid as $u | .recording_files[] |
	    [$u, .id] | @tsv' "$1" | sort -u > found.recordings
}

# truth_sets TRUTH SINCE NOW - the same sets from the simulator's truth:
# every member; every instance that started on or after SINCE (a date)
# and ended by NOW; the participation segments of those with two persons
# or more; webinar attendance; recording files.
truth_sets() {
	jq -r 'select(.type == "user") | .id' "$1" | sort -u > truth.users
	jq -r --arg s "$2T00:00:00Z" --arg n "$3" 'select(.type ==
	    "instance" and .start_time >= $s and .end_time <= $n) | .uuid' \
	    "$1" | sort -u > truth.instances
	jq -r --arg s "$2T00:00:00Z" --arg n "$3" "$JQ_SEG"'
	    select(.type == "instance" and .start_time >= $s and
	    .end_time <= $n and .persons >= 2) | .uuid' "$1" |
	    sort -u > truth.shared
	jq -r "$JQ_SEG"'select(.type == "participation") | [(.uuid | seg),
	    .user_id, .id, .email, .join_time, .leave_time, .uuid] | @tsv' \
	    "$1" | sort -t "$(printf '\t')" -k 7,7 |
	    join -t "$(printf '\t')" -1 7 -2 1 -o \
	    1.1,1.2,1.3,1.4,1.5,1.6 - truth.shared | sort -u > truth.parts
	jq -r --arg s "$2T00:00:00Z" --arg n "$3" "$JQ_SEG"'
	    select(.type == "webinar_participation" and
	    .join_time >= $s) | [(.uuid | seg), .user_id, .id, .email,
	    .join_time, .leave_time] | @tsv' "$1" | sort -u > truth.wparts.all
	jq -r --arg s "$2T00:00:00Z" --arg n "$3" "$JQ_SEG"'
	    select(.type == "webinar_instance" and .start_time >= $s and
	    .end_time <= $n) | .uuid | seg' "$1" | sort -u > truth.winst
	awk -F '\t' 'NR == FNR { ok[$1] = 1; next } ok[$1]' truth.winst \
	    truth.wparts.all | sort -u > truth.wparts
	jq -r --arg n "$3" 'select(.type == "recording" and
	    .recording_end <= $n) | .uuid' "$1" | sort -u |
	    comm -12 - truth.instances > truth.recorded
}

# compare_sets - say how each found set compares with the truth.
compare_sets() {
	for s in users instances parts wparts; do
		if cmp -s "truth.$s" "found.$s"; then
			echo "$s: same ($(wc -l < "found.$s"))"
		else
			echo "$s: DIFFERENT: $(wc -l < "found.$s") found," \
			    "$(wc -l < "truth.$s") in the truth"
			diff "truth.$s" "found.$s" | head -5
		fi
	done
	cut -f 1 found.recordings | sort -u > found.recorded
	if cmp -s truth.recorded found.recorded; then
		echo "recorded instances: same ($(wc -l < found.recorded))"
	else
		echo "recorded instances: DIFFERENT"
		diff truth.recorded found.recorded | head -5
	fi
}
