using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Server;

namespace KubeLab.Simulator.Api.Seed;

/// <summary>
/// kubeadm's CoreDNS addon as kind installs it (cmd/kubeadm/app/phases/addons/dns/manifests.go, Kubernetes 1.32): the
/// ConfigMap <c>coredns</c> with the Corefile, the ServiceAccount, and the Deployment <c>coredns</c> (2 replicas,
/// k8s-app=kube-dns, tolerating the control-plane taint, liveness /health :8080, readiness /ready :8181) behind the
/// kube-dns Service. Name resolution itself is answered by Network/Dns/ClusterDns; these pods are what a learner sees.
/// </summary>
public static class CoreDnsAddon
{
    /// <summary>The CoreDNS image kubeadm 1.32 deploys (and kind bakes into its node image).</summary>
    public const string Image = "registry.k8s.io/coredns/coredns:v1.11.3";

    public const string Corefile = """
        .:53 {
            errors
            health {
               lameduck 5s
            }
            ready
            kubernetes cluster.local in-addr.arpa ip6.arpa {
               pods insecure
               fallthrough in-addr.arpa ip6.arpa
               ttl 30
            }
            prometheus :9153
            forward . /etc/resolv.conf {
               max_concurrent 1000
            }
            cache 30
            loop
            reload
            loadbalance
        }

        """;

    private const string Deployment = """
        metadata:
          name: coredns
          labels:
            k8s-app: kube-dns
        spec:
          replicas: 2
          strategy:
            type: RollingUpdate
            rollingUpdate:
              maxUnavailable: 1
          selector:
            matchLabels:
              k8s-app: kube-dns
          template:
            metadata:
              labels:
                k8s-app: kube-dns
            spec:
              priorityClassName: system-cluster-critical
              serviceAccountName: coredns
              affinity:
                podAntiAffinity:
                  preferredDuringSchedulingIgnoredDuringExecution:
                  - weight: 100
                    podAffinityTerm:
                      labelSelector:
                        matchExpressions:
                        - key: k8s-app
                          operator: In
                          values: ["kube-dns"]
                      topologyKey: kubernetes.io/hostname
              tolerations:
              - key: CriticalAddonsOnly
                operator: Exists
              - key: node-role.kubernetes.io/control-plane
                effect: NoSchedule
              nodeSelector:
                kubernetes.io/os: linux
              containers:
              - name: coredns
                image: registry.k8s.io/coredns/coredns:v1.11.3
                imagePullPolicy: IfNotPresent
                resources:
                  limits:
                    memory: 170Mi
                  requests:
                    cpu: 100m
                    memory: 70Mi
                args: ["-conf", "/etc/coredns/Corefile"]
                volumeMounts:
                - name: config-volume
                  mountPath: /etc/coredns
                  readOnly: true
                ports:
                - containerPort: 53
                  name: dns
                  protocol: UDP
                - containerPort: 53
                  name: dns-tcp
                  protocol: TCP
                - containerPort: 9153
                  name: metrics
                  protocol: TCP
                securityContext:
                  allowPrivilegeEscalation: false
                  capabilities:
                    add: ["NET_BIND_SERVICE"]
                    drop: ["ALL"]
                  readOnlyRootFilesystem: true
                livenessProbe:
                  httpGet:
                    path: /health
                    port: 8080
                    scheme: HTTP
                  initialDelaySeconds: 60
                  timeoutSeconds: 5
                  successThreshold: 1
                  failureThreshold: 5
                readinessProbe:
                  httpGet:
                    path: /ready
                    port: 8181
                    scheme: HTTP
              dnsPolicy: Default
              volumes:
              - name: config-volume
                configMap:
                  name: coredns
                  items:
                  - key: Corefile
                    path: Corefile
        """;

    public static void Apply(RestStorage storage)
    {
        storage.Create(ResourceRegistry.ForKind("ConfigMap"), "kube-system", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "coredns" },
            ["data"] = new JsonObject { ["Corefile"] = Corefile },
        });
        storage.Create(ResourceRegistry.ForKind("ServiceAccount"), "kube-system", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "coredns" },
        });
        storage.Create(ResourceRegistry.ForKind("Deployment"), "kube-system", (JsonObject)YamlJson.Parse(Deployment)!);
    }
}
