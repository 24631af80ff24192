namespace KubeLab.Simulator.Tests.EndToEnd;

/// <summary>Manifests several end-to-end tests share.</summary>
internal static class TestPods
{
    /// <summary>A busybox pod to run wget and nslookup from (the way the course's notebooks use a client pod).</summary>
    public const string BusyboxClient = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: client
        spec:
          containers:
          - name: main
            image: busybox:1.36
            command: ["sleep", "3600"]
        """;

    /// <summary>A headless Service without a selector and the EndpointSlice its owner ("staff") wrote for it: an outside database.</summary>
    public const string SelectorlessDb = """
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          clusterIP: None
          ports:
          - port: 5432
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: db-1
          labels:
            kubernetes.io/service-name: db
            endpointslice.kubernetes.io/managed-by: staff
        addressType: IPv4
        ports:
        - port: 5432
        endpoints:
        - addresses: ["192.168.10.5"]
        """;
}
