package mapping

import (
	"slices"
	"testing"
)

func TestContactsInText(t *testing.T) {
	cases := []struct {
		text           string
		emails, phones []string
	}{
		{"予約したいです。090-1234-5678 佐藤です", nil, []string{"090-1234-5678"}},
		{"電話は０８０－２４６８－１３５７、メールは Taro.Sato@gmail.com です", []string{"Taro.Sato@gmail.com"}, []string{"080-2468-1357"}},
		{"+81 90 1111 2222 にお願いします", nil, []string{"+81 90 1111 2222"}},
		{"店の番号 03-1234-5678 にかけました", nil, []string{"03-1234-5678"}},
		{"予約番号は 12345678 です", nil, nil},
		{"0120-123-456 はフリーダイヤル", nil, nil},
		{"ありがとうございました！", nil, nil},
	}
	for _, c := range cases {
		emails, phones := ContactsInText(c.text)
		if !slices.Equal(emails, c.emails) || !slices.Equal(phones, c.phones) {
			t.Errorf("ContactsInText(%q) = %q, %q; want %q, %q", c.text, emails, phones, c.emails, c.phones)
		}
	}
}
