using k8s;

namespace KubeLab.Simulator.Tests;

public class SelectorQueryTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private async Task<string> SeedAsync()
    {
        var ns = await f.NewNamespaceAsync();
        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a", new Dictionary<string, string> { ["env"] = "a", ["app"] = "x" }), ns);
        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("b", new Dictionary<string, string> { ["env"] = "b", ["app"] = "x" }), ns);
        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("c", new Dictionary<string, string> { ["env"] = "c" }), ns);
        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("none"), ns);
        return ns;
    }

    [Theory]
    [InlineData("app=x", "a,b")]
    [InlineData("env in (a,c)", "a,c")]
    [InlineData("env notin (a)", "b,c,none")]
    [InlineData("app!=x", "c,none")]
    [InlineData("!app", "c,none")]
    [InlineData("env", "a,b,c")]
    [InlineData("app=x,env!=a", "b")]
    public async Task Label_selectors_filter_lists(string selector, string expected)
    {
        var ns = await SeedAsync();
        var list = await f.Client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: selector);
        Assert.Equal(expected, string.Join(",", list.Items.Select(i => i.Metadata.Name).Where(n => n != ClusterFixture.RootCaConfigMap).Order()));
    }

    [Fact]
    public async Task Field_selectors_on_metadata_name_and_pod_fields()
    {
        var ns = await SeedAsync();
        var byName = await f.Client.CoreV1.ListNamespacedConfigMapAsync(ns, fieldSelector: "metadata.name=b");
        Assert.Equal(["b"], byName.Items.Select(i => i.Metadata.Name));
        var notName = await f.Client.CoreV1.ListNamespacedConfigMapAsync(ns, fieldSelector: "metadata.name!=b");
        Assert.Equal(3, notName.Items.Count(i => i.Metadata.Name != ClusterFixture.RootCaConfigMap));

        // A pod bound to no node has an empty spec.nodeName (what the scheduler looks for).
        var pod = Objects.Pod("bound");
        pod.Spec.NodeName = "k8s-course-worker";
        await f.Client.CoreV1.CreateNamespacedPodAsync(pod, ns);
        var onWorker = await f.Client.CoreV1.ListNamespacedPodAsync(ns, fieldSelector: "spec.nodeName=k8s-course-worker");
        Assert.Equal(["bound"], onWorker.Items.Select(p => p.Metadata.Name));
        var onWorker2 = await f.Client.CoreV1.ListNamespacedPodAsync(ns, fieldSelector: "spec.nodeName=k8s-course-worker2");
        Assert.Empty(onWorker2.Items);
    }

    [Fact]
    public async Task Event_field_selectors_find_events_of_an_object()
    {
        var ns = await f.NewNamespaceAsync();
        foreach (var (name, kind, obj, reason) in new[] { ("e1", "Pod", "web", "Scheduled"), ("e2", "Pod", "db", "Pulled"), ("e3", "ReplicaSet", "web", "SuccessfulCreate") })
            await f.Client.CoreV1.CreateNamespacedEventAsync(new k8s.Models.Corev1Event
            {
                Metadata = new() { Name = name },
                InvolvedObject = new() { Kind = kind, Name = obj, NamespaceProperty = ns },
                Reason = reason, Type = "Normal", Message = "m",
            }, ns);
        var list = await f.Client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: $"involvedObject.kind=Pod,involvedObject.name=web,involvedObject.namespace={ns}");
        Assert.Equal(["e1"], list.Items.Select(e => e.Metadata.Name));
        var byReason = await f.Client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: "reason=Pulled,type=Normal");
        Assert.Equal(["e2"], byReason.Items.Select(e => e.Metadata.Name));
    }

    [Fact]
    public async Task Unsupported_field_selector_is_400()
    {
        var e = await Objects.Fails(() => f.Client.CoreV1.ListNamespacedConfigMapAsync("default", fieldSelector: "data.k=v"));
        Assert.Equal(400, (int)e.Response.StatusCode);
        Assert.Equal("field label not supported: data.k", e.StatusBody()["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_label_selector_is_400()
    {
        var e = await Objects.Fails(() => f.Client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: "env in (a"));
        Assert.Equal(400, (int)e.Response.StatusCode);
        Assert.StartsWith("unable to parse requirement", e.StatusBody()["message"]!.GetValue<string>());
    }
}
