package xero_test

import (
	"testing"
	"time"

	"github.com/nayose/nayose/connectors/xero/xerotest"
	dbstore "github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
)

// TestXero_EndToEndMergedSalesCountForTheSurvivor runs the connector through
// the engine into a real database: sales of a contact merged away in Xero
// (read after the merge) count for the surviving customer, credit notes
// count as refunds, and the merged-away contact makes no customer.
func TestXero_EndToEndMergedSalesCountForTheSurvivor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *dbstore.DB) {
		xs, ts := newFake(t)
		lisa := xs.AddContacts(xerotest.Contact{Name: "Lisa Parker", FirstName: "Lisa", LastName: "Parker", EmailAddress: "lisa@parker.example", IsCustomer: true})[0]
		old := xs.AddContacts(xerotest.Contact{Name: "Parker & Co", EmailAddress: "accounts@parkerco.example", IsCustomer: true})[0]
		day := time.Now().Add(-48 * time.Hour)
		xs.AddInvoices(
			xerotest.Invoice{Contact: xerotest.ContactRef{ContactID: lisa.ContactID}, Total: "5000.00", CurrencyCode: "JPY", Status: "PAID", Date: day},
			xerotest.Invoice{Contact: xerotest.ContactRef{ContactID: old.ContactID}, Total: "3000", CurrencyCode: "JPY", Date: day},
			xerotest.Invoice{Contact: xerotest.ContactRef{ContactID: lisa.ContactID}, Total: "900", CurrencyCode: "JPY", Status: "VOIDED", Date: day},
		)
		xs.AddCreditNotes(xerotest.CreditNote{Contact: xerotest.ContactRef{ContactID: lisa.ContactID}, Total: "1000", CurrencyCode: "JPY", Date: day})
		if err := xs.MergeContacts(old.ContactID, lisa.ContactID); err != nil {
			t.Fatal(err)
		}
		res := engineRun(t, db, opts(ts.URL))
		for _, s := range res.Streams {
			if s.Status != dbstore.RunSucceeded {
				t.Fatalf("%s: %s (%v)", s.Stream, s.Status, s.Err)
			}
		}
		var ids []dbstore.Identity
		db.Gorm.Find(&ids)
		if len(ids) != 1 || ids[0].ExternalID != lisa.ContactID {
			t.Fatalf("identities %+v, want Lisa's only", ids)
		}
		var c dbstore.Customer
		if err := db.Gorm.First(&c, ids[0].CustomerID).Error; err != nil {
			t.Fatal(err)
		}
		if c.GrossSales != 8000 || c.RefundTotal != 1000 || c.Currency != "JPY" || c.PurchaseCount != 2 {
			t.Errorf("customer gross %d, refunds %d %s, purchases %d; want 8000 and 1000 JPY, 2 purchases", c.GrossSales, c.RefundTotal, c.Currency, c.PurchaseCount)
		}
	})
}
