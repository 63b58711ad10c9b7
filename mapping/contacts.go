package mapping

import "regexp"

var (
	emailInText = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+`)
	phoneInText = regexp.MustCompile(`(?:\+81[\s\-]?|0)\d{1,4}[\s\-]?\d{1,4}[\s\-]?\d{3,4}`)
)

// ContactsInText returns the e-mail addresses and phone numbers (mobile or
// fixed lines, valid in Japan) written in free text, as people write them
// to a shop in a chat to book ("090-1234-5678 の佐藤です"), full-width or
// not; each as written (after Fold), for EmailKey and ParsePhone.
func ContactsInText(text string) (emails, phones []string) {
	folded := Fold(text)
	emails = emailInText.FindAllString(folded, -1)
	for _, m := range phoneInText.FindAllString(folded, -1) {
		p, ok := ParsePhone(m, "JP")
		if ok && (p.Kind == PhoneMobile || p.Kind == PhoneLandline) {
			phones = append(phones, m)
		}
	}
	return emails, phones
}
