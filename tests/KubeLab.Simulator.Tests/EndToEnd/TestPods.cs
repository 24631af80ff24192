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

    /// <summary>An agnhost netexec pod (HTTP on 8080) labelled app=<paramref name="name"/> and a Service of the same name on port 80
    /// (port name <paramref name="portName"/> when given), followed by a document separator so manifests can be concatenated.</summary>
    public static string NetexecWithService(string name, string? portName = null) => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {name}
          labels:
            app: {name}
        spec:
          containers:
          - name: agnhost
            image: registry.k8s.io/e2e-test-images/agnhost:2.53
            args: ["netexec", "--http-port=8080"]
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: {name}
        spec:
          selector:
            app: {name}
          ports:
          - port: 80
            targetPort: 8080{(portName is null ? "" : $"\n    name: {portName}")}
        ---

        """;
}
