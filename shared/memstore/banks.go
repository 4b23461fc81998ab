package memstore

import (
	"context"
	"fmt"
	"sync"

	"github.com/hoithi/hoithi/shared/contest"
)

// Banks keeps question banks in memory: demo.Seed puts them, the quiz
// handler loads them (as blob.BankBucket and blob.Banks on S3).
type Banks struct {
	mu    sync.Mutex
	banks map[string]*contest.Bank
}

// NewBanks returns an empty bank shelf.
func NewBanks() *Banks { return &Banks{banks: map[string]*contest.Bank{}} }

// PutBank checks and keeps a bank.
func (b *Banks) PutBank(_ context.Context, contestID string, data []byte) (*contest.Bank, error) {
	bank, err := contest.ParseBank(data)
	if err != nil {
		return nil, err
	}
	if !contest.ValidID(bank.ID) {
		return nil, fmt.Errorf("bank id %q is not a valid id", bank.ID)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.banks[contestID+"/"+bank.ID] = bank
	return bank, nil
}

// Load returns a bank put before.
func (b *Banks) Load(_ context.Context, contestID, bankID string) (*contest.Bank, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	bank, ok := b.banks[contestID+"/"+bankID]
	if !ok {
		return nil, fmt.Errorf("get bank %s/%s: no such bank", contestID, bankID)
	}
	return bank, nil
}
