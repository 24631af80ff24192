using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

public class PatchTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private static V1Pod TwoContainerPod(string name)
    {
        var pod = Objects.Pod(name);
        pod.Metadata.Labels = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" };
        pod.Spec.Containers[0].Env = [new V1EnvVar { Name = "A", Value = "1" }, new V1EnvVar { Name = "B", Value = "2" }];
        pod.Spec.Containers.Add(new V1Container { Name = "sidecar", Image = "busybox:1.36" });
        return pod;
    }

    [Fact]
    public async Task Merge_patch_merges_maps_deletes_with_null_and_replaces_lists()
    {
        var ns = await f.NewNamespaceAsync();
        await f.Client.CoreV1.CreateNamespacedPodAsync(TwoContainerPod("m"), ns);
        var patched = await f.Client.CoreV1.PatchNamespacedPodAsync(new V1Patch("""{"metadata":{"labels":{"tier":null,"new":"yes"}}}""", V1Patch.PatchType.MergePatch), "m", ns);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "web", ["new"] = "yes" }, patched.Metadata.Labels);

        var cm = await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("cm"), ns);
        var cmPatched = await f.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"x":"y"}}""", V1Patch.PatchType.MergePatch), "cm", ns);
        Assert.Equal(new Dictionary<string, string> { ["k"] = "v", ["x"] = "y" }, cmPatched.Data);
        Assert.NotEqual(cm.Metadata.ResourceVersion, cmPatched.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Strategic_merge_patch_merges_containers_by_name_and_env_by_name()
    {
        var ns = await f.NewNamespaceAsync();
        await f.Client.AppsV1.CreateNamespacedReplicaSetAsync(WithTemplate(TwoContainerPod("x")), ns);
        var patch = """{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.28","env":[{"name":"B","value":"3"},{"name":"A","$patch":"delete"}]}]}}}}""";
        var rs = await f.Client.AppsV1.PatchNamespacedReplicaSetAsync(new V1Patch(patch, V1Patch.PatchType.StrategicMergePatch), "x", ns);
        var containers = rs.Spec.Template.Spec.Containers;
        Assert.Equal(["app", "sidecar"], containers.Select(c => c.Name));
        Assert.Equal("nginx:1.28", containers[0].Image);
        Assert.Equal([("B", "3")], containers[0].Env.Select(e => (e.Name, e.Value)));
        Assert.Equal("busybox:1.36", containers[1].Image);
        Assert.Equal(2, rs.Metadata.Generation);
    }

    [Fact]
    public async Task Strategic_merge_patch_accepts_setElementOrder_directives_from_kubectl()
    {
        var ns = await f.NewNamespaceAsync();
        await f.Client.AppsV1.CreateNamespacedReplicaSetAsync(WithTemplate(TwoContainerPod("o")), ns);
        var patch = """{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}],"containers":[{"name":"sidecar","image":"busybox:1.37"}]}}}}""";
        var rs = await f.Client.AppsV1.PatchNamespacedReplicaSetAsync(new V1Patch(patch, V1Patch.PatchType.StrategicMergePatch), "o", ns);
        Assert.Equal(["sidecar", "app"], rs.Spec.Template.Spec.Containers.Select(c => c.Name));
        Assert.Equal("busybox:1.37", rs.Spec.Template.Spec.Containers[0].Image);
    }

    [Fact]
    public async Task Json_patch_applies_RFC6902_operations()
    {
        var ns = await f.NewNamespaceAsync();
        await f.Client.CoreV1.CreateNamespacedPodAsync(TwoContainerPod("j"), ns);
        var patch = """[{"op":"replace","path":"/spec/containers/0/image","value":"nginx:1.29"},{"op":"add","path":"/metadata/labels/x~1y","value":"z"},{"op":"remove","path":"/metadata/labels/tier"},{"op":"test","path":"/metadata/labels/app","value":"web"}]""";
        var pod = await f.Client.CoreV1.PatchNamespacedPodAsync(new V1Patch(patch, V1Patch.PatchType.JsonPatch), "j", ns);
        Assert.Equal("nginx:1.29", pod.Spec.Containers[0].Image);
        Assert.Equal("z", pod.Metadata.Labels["x/y"]);
        Assert.False(pod.Metadata.Labels.ContainsKey("tier"));

        var failing = """[{"op":"test","path":"/metadata/labels/app","value":"db"}]""";
        var e = await Objects.Fails(() => f.Client.CoreV1.PatchNamespacedPodAsync(new V1Patch(failing, V1Patch.PatchType.JsonPatch), "j", ns));
        Assert.Equal(422, (int)e.Response.StatusCode);
    }

    [Fact]
    public async Task Server_side_apply_creates_then_updates_and_records_managedFields()
    {
        var ns = await f.NewNamespaceAsync();
        var applied = $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa","namespace":"{{{ns}}}"},"data":{"a":"1"}}""";
        var created = await f.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(applied, V1Patch.PatchType.ApplyPatch), "ssa", ns, fieldManager: "course", force: true);
        Assert.Equal("1", created.Data["a"]);
        Assert.Contains(created.Metadata.ManagedFields, m => m.Manager == "course" && m.Operation == "Apply");

        var again = applied.Replace("\"a\":\"1\"", "\"a\":\"2\",\"b\":\"3\"");
        var updated = await f.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(again, V1Patch.PatchType.ApplyPatch), "ssa", ns, fieldManager: "course", force: true);
        Assert.Equal(created.Metadata.Uid, updated.Metadata.Uid);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "2", ["b"] = "3" }, updated.Data);
    }

    [Fact]
    public async Task Server_side_apply_without_fieldManager_is_rejected()
    {
        var ns = await f.NewNamespaceAsync();
        var (code, body) = await f.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/x", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}""", "application/apply-patch+yaml");
        Assert.Equal(422, code);
        Assert.Contains("fieldManager: Required value", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Server_side_apply_accepts_yaml()
    {
        var ns = await f.NewNamespaceAsync();
        var yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\ndata:\n  replicas: \"3\"\n  flag: 'true'\n";
        var (code, body) = await f.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/y?fieldManager=me", yaml, "application/apply-patch+yaml");
        Assert.Equal(201, code);
        Assert.Equal("3", body!["data"]!["replicas"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patching_a_missing_object_is_404()
    {
        var ns = await f.NewNamespaceAsync();
        var e = await Objects.Fails(() => f.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{}", V1Patch.PatchType.MergePatch), "ghost", ns));
        Assert.Equal(404, (int)e.Response.StatusCode);
    }

    private static V1ReplicaSet WithTemplate(V1Pod pod) => new()
    {
        Metadata = new() { Name = pod.Metadata.Name },
        Spec = new()
        {
            Replicas = 0,
            Selector = new() { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            Template = new() { Metadata = new() { Labels = pod.Metadata.Labels }, Spec = pod.Spec },
        },
    };
}
