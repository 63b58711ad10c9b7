//go:build !race

package squaretest_test

const raceEnabled = false
