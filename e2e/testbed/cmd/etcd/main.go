// Command etcd is the etcd server, built from the same module graph as
// kube-apiserver so the two agree on the etcd API (3.5.x for Kubernetes 1.33).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
