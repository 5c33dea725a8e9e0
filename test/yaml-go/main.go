// yaml-decoder reads YAML the way kubectl does and prints the JSON it would send to the API server.
//
// kubectl apply -f reads each file with k8s.io/apimachinery/pkg/util/yaml.NewYAMLOrJSONDecoder and
// decodes every document into a runtime.RawExtension, which keeps the JSON that sigs.k8s.io/yaml
// (go.yaml.in/yaml/v2 underneath) converts the YAML to. This program does the same, decoding into
// json.RawMessage (the same bytes).
//
//	yaml-decoder files FILE...   one JSON line per file: {"file":F,"docs":[...]} or {"file":F,"error":E}
//	yaml-decoder stream          stdin: one JSON string (a YAML text) per line; stdout: one line each,
//	                             {"docs":[...]} or {"error":E}
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

type result struct {
	File  string            `json:"file,omitempty"`
	Docs  []json.RawMessage `json:"docs"`
	Error string            `json:"error,omitempty"`
}

func decode(text []byte) result {
	d := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(text), 4096)
	docs := []json.RawMessage{}
	for {
		var raw json.RawMessage
		err := d.Decode(&raw)
		if err == io.EOF {
			return result{Docs: docs}
		}
		if err != nil {
			return result{Docs: docs, Error: err.Error()}
		}
		// kubectl skips empty documents (RawExtension of "null").
		if len(raw) == 0 || string(raw) == "null" {
			continue
		}
		docs = append(docs, raw)
	}
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: yaml-decoder files FILE... | yaml-decoder stream")
		os.Exit(2)
	}
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	enc := json.NewEncoder(out)
	switch os.Args[1] {
	case "files":
		for _, f := range os.Args[2:] {
			text, err := os.ReadFile(f)
			r := result{File: f, Docs: []json.RawMessage{}}
			if err != nil {
				r.Error = err.Error()
			} else {
				r = decode(text)
				r.File = f
			}
			if err := enc.Encode(r); err != nil {
				panic(err)
			}
		}
	case "stream":
		in := bufio.NewScanner(os.Stdin)
		in.Buffer(make([]byte, 1<<20), 64<<20)
		for in.Scan() {
			var text string
			if err := json.Unmarshal(in.Bytes(), &text); err != nil {
				fmt.Fprintln(os.Stderr, "bad input line:", err)
				os.Exit(2)
			}
			if err := enc.Encode(decode([]byte(text))); err != nil {
				panic(err)
			}
		}
		if err := in.Err(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", os.Args[1])
		os.Exit(2)
	}
}
