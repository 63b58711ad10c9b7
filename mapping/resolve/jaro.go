package resolve

// similarity is the Jaro–Winkler similarity of two strings, compared rune
// by rune: 1 for equal strings, 0 for nothing in common. It is symmetric:
// the two strings are put in a fixed order first, because Jaro's matching
// pass is greedy and could otherwise give a different figure each way
// round, and a pair's score must not depend on which record came first.
func similarity(a, b string) float64 {
	if a == b {
		if a == "" {
			return 0
		}
		return 1
	}
	if a > b {
		a, b = b, a
	}
	var abuf, bbuf [48]rune
	ar, br := runes(a, abuf[:0]), runes(b, bbuf[:0])
	return jaroWinkler(ar, br)
}

func runes(s string, buf []rune) []rune {
	for _, r := range s {
		buf = append(buf, r)
	}
	return buf
}

func jaroWinkler(a, b []rune) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	window := max(len(a), len(b))/2 - 1
	window = max(window, 0)
	var amBuf, bmBuf [48]bool
	am, bm := flags(amBuf[:0], len(a)), flags(bmBuf[:0], len(b))
	matches := 0
	for i, r := range a {
		lo, hi := max(0, i-window), min(len(b), i+window+1)
		for j := lo; j < hi; j++ {
			if !bm[j] && b[j] == r {
				am[i], bm[j] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	transpositions, j := 0, 0
	for i := range a {
		if !am[i] {
			continue
		}
		for !bm[j] {
			j++
		}
		if a[i] != b[j] {
			transpositions++
		}
		j++
	}
	m := float64(matches)
	jaro := (m/float64(len(a)) + m/float64(len(b)) + (m-float64(transpositions)/2)/m) / 3
	prefix := 0
	for prefix < min(4, len(a), len(b)) && a[prefix] == b[prefix] {
		prefix++
	}
	return jaro + float64(prefix)*0.1*(1-jaro)
}

func flags(buf []bool, n int) []bool {
	if cap(buf) >= n {
		buf = buf[:n]
		clear(buf)
		return buf
	}
	return make([]bool, n)
}
