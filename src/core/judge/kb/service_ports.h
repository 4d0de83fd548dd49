/* SPDX-License-Identifier: MIT */
/* Well-known ports of services that run on the hosts twtune tunes. A port inside the ephemeral
 * range (ip_local_port_range) and not in ip_local_reserved_ports can be taken by an outgoing
 * connection; the service then cannot bind it after a restart (EADDRINUSE). Sorted by port.
 * Source: IANA service-name registry, and each project's documented default port. */
static const struct kb_service_port kb_service_ports_[] = {
        {1433, "Microsoft SQL Server", "IANA ms-sql-s"},
        {1521, "Oracle database listener", "IANA ncube-lm; Oracle Net default"},
        {2181, "ZooKeeper", "ZooKeeper admin guide (clientPort)"},
        {2379, "etcd clients", "IANA etcd-client"},
        {2380, "etcd peers", "IANA etcd-server"},
        {3000, "Grafana and many development servers", "Grafana configuration default http_port"},
        {3306, "MySQL / MariaDB", "IANA mysql"},
        {4222, "NATS", "NATS server default client port"},
        {5000, "Docker registry and Flask", "Docker registry documentation (listen :5000)"},
        {5432, "PostgreSQL", "IANA postgresql"},
        {5601, "Kibana", "Kibana configuration default server.port"},
        {5672, "RabbitMQ (AMQP)", "IANA amqp"},
        {6379, "Redis", "IANA redis"},
        {6443, "Kubernetes API server", "Kubernetes ports and protocols documentation"},
        {7000, "Cassandra inter-node", "Cassandra configuration default storage_port"},
        {8000, "HTTP alternate", "IANA irdmi; common HTTP development port"},
        {8080, "HTTP alternate (proxies, Tomcat, Jenkins)", "IANA http-alt"},
        {8086, "InfluxDB", "InfluxDB configuration default http bind-address"},
        {8443, "HTTPS alternate", "IANA pcsync-https; common HTTPS alternate"},
        {8500, "Consul", "Consul default ports documentation"},
        {9000, "PHP-FPM, ClickHouse, MinIO", "PHP-FPM and ClickHouse default configuration"},
        {9042, "Cassandra CQL", "Cassandra configuration default native_transport_port"},
        {9090, "Prometheus", "Prometheus default --web.listen-address"},
        {9092, "Kafka", "Kafka broker default listeners"},
        {9100, "Prometheus node exporter", "node_exporter default --web.listen-address"},
        {9200, "Elasticsearch HTTP", "Elasticsearch default http.port"},
        {9300, "Elasticsearch transport", "Elasticsearch default transport.port"},
        {10250, "kubelet", "Kubernetes ports and protocols documentation"},
        {11211, "memcached", "IANA memcache"},
        {15672, "RabbitMQ management", "RabbitMQ management plugin default"},
        {27017, "MongoDB", "IANA mongodb"},
        {0, NULL, NULL},
};
