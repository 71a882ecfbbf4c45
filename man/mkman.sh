#!/bin/sh
# mkman.sh KEYS.TSV KEYS.TXT TEMPLATE: prints the template with the line
# "@KEYS@" replaced by one roff entry per key of KEYS.TSV (man/config-keys:
# path, type, default, range, required), described by KEYS.TXT ("path<TAB>
# text"). A key without a description is still listed, and named on stderr.
set -eu
tsv=$1 txt=$2 tpl=$3
awk -F '\t' -v tsv="$tsv" -v txt="$txt" '
function esc(s) { gsub(/\\/, "\\e", s); gsub(/-/, "\\-", s); return s }
function section(path,   s) {
	s = path; sub(/[.[].*/, "", s); return s
}
BEGIN {
	while ((getline line < txt) > 0) {
		if (line ~ /^#/ || line == "") continue
		i = index(line, "\t")
		desc[substr(line, 1, i - 1)] = substr(line, i + 1)
	}
}
$0 != "@KEYS@" { print; next }
{
	last = ""
	while ((getline line < tsv) > 0) {
		split(line, f, "\t")
		sec = section(f[1])
		if (sec != last) {
			print ".SS " sec
			last = sec
		}
		print ".TP"
		print ".B " esc(f[1])
		s = "\\fI" esc(f[2]) "\\fR, " f[5]
		if (f[3] != "-") s = s "; default: " esc(f[3])
		if (f[4] != "-") s = s "; values: " esc(f[4])
		print s "."
		print ".br"
		if (f[1] in desc) print esc(desc[f[1]])
		else {
			print "Not described yet."
			print "mkman.sh: no description of " f[1] " in " txt > "/dev/stderr"
		}
	}
}
' "$tpl"
