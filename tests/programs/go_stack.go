// A Go program for tests/e2e/uprobe_go.sh: many goroutines call grow(), which recurses with a
// big local array so that their stacks grow (and get copied) while probes are on it; add() is
// there to check arguments and return values.
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

//go:noinline
func add(a, b int) int {
	return a + b
}

//go:noinline
func grow(depth int) int {
	var buf [1024]byte
	buf[depth%len(buf)] = byte(depth)
	if depth == 0 {
		return int(buf[0])
	}
	return grow(depth-1) + int(buf[depth%len(buf)]) - depth%256 + 1
}

func main() {
	goroutines := 1000
	if len(os.Args) > 1 {
		goroutines, _ = strconv.Atoi(os.Args[1])
	}
	// Wait for the tracer to attach when asked (the test starts it first with -c instead).
	time.Sleep(10 * time.Millisecond)
	for i := 1; i <= 3; i++ {
		fmt.Println(add(i, 10*i))
	}
	var wg sync.WaitGroup
	total := 0
	var mu sync.Mutex
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := grow(20)
			mu.Lock()
			total += r
			mu.Unlock()
		}()
	}
	wg.Wait()
	fmt.Println("total", total)
}
