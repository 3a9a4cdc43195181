# SPDX-License-Identifier: GPL-2.0-or-later
#
# awk -v splat=ERE -f emulator_fault.awk console.log
#
# Prints the EFLAGS of the register dump that follows the first kernel
# report (the first line matching splat), and exits 0, when that value is
# one no x86 CPU can hold: bit 1 clear, or a reserved bit (3, 5, 15, 22
# to 31) set.  The CPU itself writes EFLAGS into the exception frame, and
# POPF and IRET never load the reserved bits, so no kernel or module bug
# can put them there; only the emulator's own flag state can have gone
# wrong (seen once under TCG on 6.12: "Oops: double fault" with EFLAGS
# c293fe02, the low half of a pointer in RDI).  Exits 1 otherwise, and
# when the report has no EFLAGS in its first 40 lines.
function hexval(s,    i, c, v) {
	v = 0
	s = tolower(s)
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1))
		if (c == 0)
			return -1
		v = v * 16 + c - 1
	}
	return v
}
# bit B of V (awk numbers are doubles: exact up to 2^53, ample for 32 bits)
function bit(v, b) { return int(v / 2 ^ b) % 2 }
!seen && $0 ~ splat { seen = NR }
seen && NR - seen < 40 && match($0, /EFLAGS: [0-9a-fA-F]+/) {
	hex = substr($0, RSTART + 8, RLENGTH - 8)
	v = hexval(hex)
	if (length(hex) > 8 || v < 0)
		exit 1
	bad = !bit(v, 1) || bit(v, 3) || bit(v, 5) || bit(v, 15)
	for (b = 22; b < 32; b++)
		bad = bad || bit(v, b)
	if (bad) {
		print hex
		found = 1
	}
	exit !found
}
END { if (!found) exit 1 }
