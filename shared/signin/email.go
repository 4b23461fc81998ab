package signin

import (
	"strings"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
)

// Canonical is the address that identifies a person in contest c: the key of
// their codes, limits, membership and participant id, and where their codes
// are e-mailed. It is contest.NormalizeEmail (trimmed, lower-cased, NFC) and:
//
//   - at an official domain (c.AllowedDomains), a "+tag" is dropped unless
//     c.KeepPlusTags: "btc+thi@" is "btc@", so an organiser cannot compete
//     through an alias and nobody gets a second ranking entry;
//   - at a consumer mailbox that delivers "+tag" addresses to the owner's
//     mailbox (consumerPlus), the tag is dropped too; Gmail also ignores dots
//     in the local part, and googlemail.com is gmail.com, so those go as well.
//
// Other domains are left as typed: whether "a.b@" and "ab@" are one mailbox is
// theirs to say. Codes go to the canonical address, so an alias never reaches
// anyone but the person.
func Canonical(c contest.Contest, raw string) (string, error) {
	email, err := contest.NormalizeEmail(raw)
	if err != nil {
		return "", err
	}
	at := strings.LastIndexByte(email, '@')
	local, domain := email[:at], email[at+1:]
	official := c.InAllowedDomain(email)
	if domain == "googlemail.com" && !official {
		domain = "gmail.com"
	}
	switch {
	case official && !c.KeepPlusTags, !official && consumerPlus[domain]:
		local, _, _ = strings.Cut(local, "+")
	}
	if domain == "gmail.com" && !official {
		local = strings.ReplaceAll(local, ".", "")
	}
	if local == "" {
		return "", fault.Invalid("invalid_email", "Địa chỉ email không hợp lệ.")
	}
	return local + "@" + domain, nil
}

// consumerPlus lists public mail services that deliver "name+tag@" to
// "name@" (sub-addressing), among those people in Viet Nam use most.
var consumerPlus = map[string]bool{
	"gmail.com": true, "outlook.com": true, "hotmail.com": true, "live.com": true,
	"outlook.com.vn": true, "hotmail.com.vn": true, "icloud.com": true, "me.com": true,
	"proton.me": true, "protonmail.com": true,
}
