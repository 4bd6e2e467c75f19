# emit-lib.sh - helpers for end-to-end cases of zp-emit: a roster made
# from the simulator's truth, and the participations the truth says a
# crawl must yield, in the shape zp-emit writes them.  Source it after
# sim-lib.sh and fetch-lib.sh.

# The roster functions are the pipeline jobs' own (pipelines/lib.sh),
# so that the tests make their rosters as pipelines/daily does.
. "$SRC/pipelines/lib.sh"

# roster_from_truth TRUTH OUT - write the HR roster of every member of
# the simulated organization: person P<index>, e-mail, employee id.
roster_from_truth() {
	zp_roster_from_truth "$1" "$2"
}

# sanitize_roster IN OUT - canonicalize the roster and pseudonymize it
# with the stream's salt (ZP_SALT), as the README says and
# pipelines/daily does.
sanitize_roster() {
	zp_roster_sanitize "$2" "$1"
}

# guest_tokens TRUTH OUT - write "email<TAB>token" for every guest e-mail
# of the truth, pseudonymized as the stream's are (ZP_SALT), so that an
# unmatched guest's participation can be named.
guest_tokens() {
	jq -r 'select((.type == "participation" or
	    .type == "webinar_participation") and .user == null and
	    .email != "") | .email' "$1" | sort -u > "$2.emails"
	(echo email,token; sed 's/.*/&,&/' "$2.emails") > "$2.csv"
	printf '%s\n' 'columnsToPseudonymize:' '  - token' \
	    'pseudonymFormat: URL_SAFE_TOKEN' > "$2.yaml"
	zp-sanitize --bulk "$2.yaml" "$2.csv" | tail -n +2 |
	    tr ',' '\t' > "$2"
	jq -Rn '[inputs | split("\t") | {(.[0]): .[1]}] | add // {}' "$2" \
	    > "$2.json"
}

# truth_participations TRUTH SINCE NOW GUESTS - print, sorted, one line per
# participation the truth holds for the instances a crawl of SINCE..NOW
# sees with their participants (two persons or more; webinar instances
# in the window): uuid, person (P<index> for members, the guest's token,
# session:ID for whoever Zoom names no one: a dial-in caller or an
# anonymous participant, whose every session stands alone), kind, role,
# first join, last leave, seconds present, sessions.
truth_participations() {
	jq -c --arg s "$2T00:00:00Z" --arg n "$3" --slurpfile g "$4.json" '
	    select((.type == "instance" or .type == "webinar_instance") and
	        .start_time >= $s and .end_time <= $n and
	        (.type == "webinar_instance" or .persons >= 2)) |
	    {uuid, type}' "$1" > truth.inst
	jq -c 'select(.type == "meeting") | {id, meeting_type}' "$1" \
	    > truth.mtypes
	jq -rn --slurpfile inst truth.inst --slurpfile mt truth.mtypes \
	    --slurpfile g "$4.json" --slurpfile all "$1.parts" '
	    ($inst | map({(.uuid): .type}) | add // {}) as $ok |
	    ($mt | map({(.id | tostring): .meeting_type}) | add // {}) as $ty |
	    ($g[0]) as $tok |
	    def kind($p): if $p.type == "webinar_participation" then "webinar"
	        else ($ty[$p.meeting_id | tostring]) as $t |
	        if $t == 1 or $t == 4 then "instant" elif $t == 2 then
	        "scheduled" elif $t == 3 or $t == 8 then "recurring"
	        else "?" end end;
	    def who($p): if $p.user != null then "P\($p.user)"
	        elif $p.email != "" then $tok[$p.email]
	        else "session:\($p.user_id)" end;
	    $all[] | select($ok[.uuid] != null) |
	    . as $p | {uuid, who: who($p), kind: kind($p),
	        role: (if .kind == "host" then "host" else "attendee" end),
	        join_time, leave_time, secs: .duration}' |
	jq -rs 'group_by([.uuid, .who])[] |
	    [.[0].uuid, .[0].who, .[0].kind,
	     (if any(.role == "host") then "host" else "attendee" end),
	     (map(.join_time) | min), (map(.leave_time) | max),
	     (map(.secs) | add), length] | @tsv' | sort
}

# truth_parts_file TRUTH - keep the participation lines of TRUTH in
# TRUTH.parts (truth_participations reads them).
truth_parts_file() {
	jq -c 'select(.type == "participation" or
	    .type == "webinar_participation")' "$1" > "$1.parts"
}

# emitted_participations DIR - the same lines from zp-emit's jsonl files.
emitted_participations() {
	cat "$1"/participations/*.jsonl | jq -r '[.meeting_uuid, .person,
	    .meeting_kind, .role, .first_join, .last_leave, .seconds,
	    .session_count] | @tsv' | sort
}
