// Package eval measures how well identity resolution (名寄せ) finds the
// people behind customer records, reproducibly, and feeds the benchmarks.
//
// It has three parts:
//
//   - Labelled records: Row is one customer record with its ground truth
//     (the person it belongs to) and the hard case it exercises; WriteCSV
//     and ReadCSV keep such data sets as CSV files.
//   - Data: LoadFEBRL reads the FEBRL synthetic person-record files
//     (Australian names and addresses, from the Febrl data set generator as
//     shipped by the Python Record Linkage Toolkit) kept in
//     shared/datasets/febrl beside the repository; see the README there for
//     their origin, licence and true-pair counts. Japanese generates, from a
//     seed, what a Japanese small business's tools export: kanji, kana and
//     romaji names, itaiji, 和暦 birthdays, full-width digits, phone and
//     postal code shapes, real towns and postal codes, with households,
//     namesakes, maiden names and moves as labelled hard cases.
//   - Scores: Pairwise (precision, recall and F1 over record pairs),
//     BCubed (per-record cluster scores) and RecallByCase (pairwise scores
//     restricted to the pairs touching each hard case), all computed from
//     cluster labels in linear time, never over all pairs.
//
// The package is pure: no database, no network, and nothing it does
// depends on the time or the order of map iteration.
package eval
