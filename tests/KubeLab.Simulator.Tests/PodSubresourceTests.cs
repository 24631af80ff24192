using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

public class PodSubresourceTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Binding_sets_the_node_once_and_a_second_binding_conflicts()
    {
        var ns = await f.NewNamespaceAsync();
        var pod = Objects.Pod("bind-me");
        pod.Spec.SchedulerName = "manual-scheduler";   // the simulated default-scheduler leaves it alone
        await f.Client.CoreV1.CreateNamespacedPodAsync(pod, ns);
        var binding = new V1Binding { Metadata = new() { Name = "bind-me" }, Target = new V1ObjectReference { Kind = "Node", Name = "k8s-course-worker2" } };
        await f.Client.CoreV1.CreateNamespacedPodBindingAsync(binding, "bind-me", ns);
        Assert.Equal("k8s-course-worker2", (await f.Client.CoreV1.ReadNamespacedPodAsync("bind-me", ns)).Spec.NodeName);

        binding.Target.Name = "k8s-course-worker";
        var e = await Objects.Fails(() => f.Client.CoreV1.CreateNamespacedPodBindingAsync(binding, "bind-me", ns));
        Assert.Equal(409, (int)e.Response.StatusCode);
        Assert.Contains("is already assigned to node \"k8s-course-worker2\"", e.StatusBody()["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pod_spec_is_immutable_except_images()
    {
        var ns = await f.NewNamespaceAsync();
        await f.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("frozen"), ns);

        var imageChange = await f.Client.CoreV1.PatchNamespacedPodAsync(
            new V1Patch("""{"spec":{"containers":[{"name":"app","image":"nginx:1.28"}]}}""", V1Patch.PatchType.StrategicMergePatch), "frozen", ns);
        Assert.Equal("nginx:1.28", imageChange.Spec.Containers[0].Image);

        var e = await Objects.Fails(() => f.Client.CoreV1.PatchNamespacedPodAsync(
            new V1Patch("""{"spec":{"containers":[{"name":"app","env":[{"name":"A","value":"1"}]}]}}""", V1Patch.PatchType.StrategicMergePatch), "frozen", ns));
        Assert.Equal(422, (int)e.Response.StatusCode);
        Assert.StartsWith("Pod \"frozen\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`",
            e.StatusBody()["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Status_patch_changes_only_status()
    {
        var ns = await f.NewNamespaceAsync();
        var pod = Objects.Pod("st");
        pod.Spec.SchedulerName = "manual-scheduler";
        await f.Client.CoreV1.CreateNamespacedPodAsync(pod, ns);
        var patched = await f.Client.CoreV1.PatchNamespacedPodStatusAsync(
            new V1Patch("""{"status":{"phase":"Running","podIP":"10.244.1.9"},"metadata":{"labels":{"ignored":"yes"}}}""", V1Patch.PatchType.MergePatch), "st", ns);
        Assert.Equal("Running", patched.Status.Phase);
        Assert.Equal("10.244.1.9", patched.Status.PodIP);
        Assert.True(patched.Metadata.Labels is null || !patched.Metadata.Labels.ContainsKey("ignored"));
    }
}
