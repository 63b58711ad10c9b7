package freeetest

import "time"

// Company is a 事業所 the token can read (GET /api/1/companies).
type Company struct {
	ID            int64
	Name          string
	NameKana      string
	DisplayName   string
	CompanyNumber string
	// Role is the token user's role: admin, simple_accounting, self_only,
	// read_only, workflow.
	Role string
}

// Address is a partner's address_attributes.
type Address struct {
	Zipcode string
	// PrefectureCode is 0 (北海道) to 46 (沖縄県), -1 for none.
	PrefectureCode int
	StreetName1    string
	StreetName2    string
}

// Partner is a 取引先. Empty strings are served as null.
type Partner struct {
	ID          int64
	CompanyID   int64
	Code        string
	Name        string
	LongName    string
	NameKana    string
	Email       string
	Phone       string
	ContactName string
	// OrgCode is 1 (法人), 2 (個人) or 0 (not set, served as null).
	OrgCode int
	Address *Address
	// UpdatedAt is when the partner last changed; served as update_date,
	// its JST date. Zero on Add means the fake's Now.
	UpdatedAt time.Time
}

// Payment is a deal's payment line (支払行).
type Payment struct {
	ID     int64
	Date   time.Time // served as its JST date
	Amount int64
}

// Renew is a deal's +更新 line; only its update date is modelled, for
// start_renew_date.
type Renew struct {
	ID         int64
	UpdateDate time.Time
}

// Deal is a 取引.
type Deal struct {
	ID        int64
	CompanyID int64
	// Type is "income" (the default) or "expense".
	Type        string
	IssueDate   time.Time // served as its JST date; zero on Add means Now
	Amount      int64
	PartnerID   int64 // 0: no partner (null)
	RefNumber   string
	Description string // the one detail line's description
	Payments    []Payment
	Renews      []Renew
}

// errorBody is freee's common error shape.
type errorBody struct {
	StatusCode int          `json:"status_code"`
	Errors     []errorEntry `json:"errors"`
}

type errorEntry struct {
	Type     string   `json:"type"`
	Messages []string `json:"messages"`
}

type companyJSON struct {
	ID            int64   `json:"id"`
	Name          *string `json:"name"`
	NameKana      *string `json:"name_kana"`
	DisplayName   string  `json:"display_name"`
	CompanyNumber string  `json:"company_number"`
	Role          string  `json:"role"`
}

type addressJSON struct {
	Zipcode        *string `json:"zipcode"`
	PrefectureCode int     `json:"prefecture_code"`
	StreetName1    *string `json:"street_name1"`
	StreetName2    *string `json:"street_name2"`
}

type partnerJSON struct {
	ID                int64        `json:"id"`
	Code              *string      `json:"code"`
	CompanyID         int64        `json:"company_id"`
	Name              string       `json:"name"`
	UpdateDate        string       `json:"update_date"`
	Available         bool         `json:"available"`
	OrgCode           *int         `json:"org_code"`
	CountryCode       string       `json:"country_code"`
	LongName          *string      `json:"long_name"`
	NameKana          *string      `json:"name_kana"`
	DefaultTitle      *string      `json:"default_title"`
	Phone             *string      `json:"phone"`
	ContactName       *string      `json:"contact_name"`
	Email             *string      `json:"email"`
	AddressAttributes *addressJSON `json:"address_attributes,omitempty"`
}

type detailJSON struct {
	ID            int64   `json:"id"`
	AccountItemID int64   `json:"account_item_id"`
	TaxCode       int64   `json:"tax_code"`
	Amount        int64   `json:"amount"`
	Vat           int64   `json:"vat"`
	Description   *string `json:"description"`
	EntrySide     string  `json:"entry_side"`
}

type paymentJSON struct {
	ID                 int64  `json:"id"`
	Date               string `json:"date"`
	FromWalletableType string `json:"from_walletable_type"`
	FromWalletableID   int64  `json:"from_walletable_id"`
	Amount             int64  `json:"amount"`
}

type renewJSON struct {
	ID         int64  `json:"id"`
	UpdateDate string `json:"update_date"`
}

type dealJSON struct {
	ID             int64         `json:"id"`
	CompanyID      int64         `json:"company_id"`
	IssueDate      string        `json:"issue_date"`
	DueDate        *string       `json:"due_date"`
	Amount         int64         `json:"amount"`
	DueAmount      int64         `json:"due_amount"`
	Type           string        `json:"type"`
	PartnerID      *int64        `json:"partner_id"`
	PartnerCode    *string       `json:"partner_code"`
	RefNumber      *string       `json:"ref_number"`
	Status         string        `json:"status"`
	DealOriginName string        `json:"deal_origin_name"`
	Details        []detailJSON  `json:"details"`
	Renews         []renewJSON   `json:"renews,omitempty"`
	Payments       []paymentJSON `json:"payments,omitempty"`
}

type tokenJSON struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
	CreatedAt    int64  `json:"created_at"`
	CompanyID    *int64 `json:"company_id"`
}

type oauthErrorJSON struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Invoice is a freee請求書 invoice (GET /iv/invoices).
type Invoice struct {
	ID            int64
	CompanyID     int64
	InvoiceNumber string
	Subject       string
	BillingDate   time.Time // served as its JST date; zero on Add means Now
	TotalAmount   int64     // served as a JSON number
	PartnerID     int64
	PartnerName   string
	Canceled      bool
	Settled       bool
	DealID        int64 // 0: not registered as a deal
}

type invoiceJSON struct {
	ID                   int64   `json:"id"`
	CompanyID            int64   `json:"company_id"`
	InvoiceNumber        string  `json:"invoice_number"`
	Subject              string  `json:"subject"`
	BillingDate          string  `json:"billing_date"`
	Memo                 string  `json:"memo"`
	SendingStatus        string  `json:"sending_status"`
	PaymentStatus        string  `json:"payment_status"`
	CancelStatus         string  `json:"cancel_status"`
	DealStatus           string  `json:"deal_status"`
	DealID               *int64  `json:"deal_id"`
	TotalAmount          float64 `json:"total_amount"`
	AmountIncludingTax   float64 `json:"amount_including_tax"`
	AmountExcludingTax   float64 `json:"amount_excluding_tax"`
	AmountTax            float64 `json:"amount_tax"`
	AmountBroughtForward float64 `json:"amount_brought_forward"`
	PartnerID            int64   `json:"partner_id"`
	PartnerName          string  `json:"partner_name"`
	ReportURL            string  `json:"report_url"`
}
