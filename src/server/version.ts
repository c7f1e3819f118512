// The versions raftkv reports: its own, and the etcd server/cluster versions whose v2 API it speaks
// (clients such as etcdctl check these).
export const RAFTKV_VERSION = '0.1.0';
export const ETCD_SERVER_VERSION = '3.4.23';
export const ETCD_CLUSTER_VERSION = '3.4.0';
