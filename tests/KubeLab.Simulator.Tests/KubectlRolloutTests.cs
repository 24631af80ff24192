using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

/// <summary>
/// The real kubectl 1.32 against the simulator: `rollout status|history|undo|restart`, `scale`, `set image` and
/// `get deploy,rs` – each one a request shape kubectl really sends (undo: an RFC 6902 JSON Patch of the template and
/// annotations; restart: a strategic merge patch of kubectl.kubernetes.io/restartedAt; scale: the scale subresource).
/// </summary>
public class KubectlRolloutTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private static string Yaml(int replicas, string image = "nginx:1.27.0") => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: {replicas}
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: web
                image: {image}
        """;

    private async Task<string> DeployAsync(int replicas)
    {
        var ns = await f.NewNamespaceAsync("rollout");
        var applied = await f.KubectlWithInputAsync(Yaml(replicas), "apply", "-n", ns, "-f", "-");
        Assert.True(applied.ExitCode == 0, applied.ToString());
        await StatusAsync(ns);
        return ns;
    }

    private async Task<KubectlResult> StatusAsync(string ns)
    {
        var r = await f.KubectlAsync("rollout", "status", "deployment/web", "-n", ns, "--timeout=45s");
        Assert.True(r.ExitCode == 0, r.ToString());
        return r;
    }

    private Task<KubectlResult> Ok(params string[] args) => f.KubectlOkAsync(args);

    [Fact]
    public async Task Rollout_status_waits_until_successfully_rolled_out()
    {
        var ns = await f.NewNamespaceAsync("rollout");
        await f.KubectlWithInputAsync(Yaml(3), "apply", "-n", ns, "-f", "-");
        var r = await StatusAsync(ns);
        Assert.EndsWith("deployment \"web\" successfully rolled out", r.Stdout.Trim());
    }

    [Fact]
    public async Task Set_image_then_history_lists_revisions_and_shows_one_template()
    {
        var ns = await DeployAsync(2);
        var set = await Ok("set", "image", "deployment/web", "web=nginx:1.27.1", "-n", ns);
        Assert.Equal("deployment.apps/web image updated", set.Stdout.Trim());
        var status = await StatusAsync(ns);
        // kubectl prints a "Waiting…" line for each check that finds the rollout unfinished; a fast rollout may need none.
        var statusLines = status.Lines.Where(l => l.Length > 0).ToArray();
        Assert.Equal("deployment \"web\" successfully rolled out", statusLines[^1]);
        Assert.All(statusLines[..^1], l => Assert.StartsWith("Waiting for deployment \"web\" rollout to finish: ", l));

        var history = await Ok("rollout", "history", "deployment/web", "-n", ns);
        var lines = history.Lines.Select(l => l.TrimEnd()).ToArray();
        Assert.Equal("deployment.apps/web", lines[0]);
        Assert.Matches(@"^REVISION\s+CHANGE-CAUSE$", lines[1]);
        Assert.Matches(@"^1\s+<none>$", lines[2]);
        Assert.Matches(@"^2\s+<none>$", lines[3]);

        var rev1 = await Ok("rollout", "history", "deployment/web", "-n", ns, "--revision=1");
        Assert.Contains("deployment.apps/web with revision #1", rev1.Stdout);
        Assert.Contains("Image:", rev1.Stdout);
        Assert.Contains("nginx:1.27.0", rev1.Stdout);
        Assert.Contains("pod-template-hash=", rev1.Stdout);
    }

    [Fact]
    public async Task Rollout_undo_goes_back_to_the_previous_revision_and_to_a_chosen_one()
    {
        var ns = await DeployAsync(2);
        await Ok("set", "image", "deployment/web", "web=nginx:1.27.1", "-n", ns);
        await StatusAsync(ns);
        await Ok("set", "image", "deployment/web", "web=nginx:1.27.2", "-n", ns);
        await StatusAsync(ns);

        var undo = await Ok("rollout", "undo", "deployment/web", "-n", ns);
        Assert.Equal("deployment.apps/web rolled back", undo.Stdout.Trim());
        await StatusAsync(ns);
        var d = await f.Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns);
        Assert.Equal("nginx:1.27.1", d.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal("4", d.Metadata.Annotations["deployment.kubernetes.io/revision"]); // revision 2 came back as 4

        await Ok("rollout", "undo", "deployment/web", "-n", ns, "--to-revision=1");
        await StatusAsync(ns);
        d = await f.Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns);
        Assert.Equal("nginx:1.27.0", d.Spec.Template.Spec.Containers[0].Image);
        Assert.False(d.Spec.Template.Metadata.Labels.ContainsKey("pod-template-hash"));
        var history = await Ok("rollout", "history", "deployment/web", "-n", ns);
        Assert.Equal(["3", "4", "5"], history.Lines.Skip(2).Select(l => l.Split(' ')[0]));

        var missing = await f.KubectlAsync("rollout", "undo", "deployment/web", "-n", ns, "--to-revision=9");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("unable to find specified revision 9 in history", missing.Stderr);
    }

    [Fact]
    public async Task Rollout_restart_stamps_restartedAt_and_replaces_every_pod()
    {
        var ns = await DeployAsync(2);
        var before = (await f.Client.CoreV1.ListNamespacedPodAsync(ns)).Items.Select(p => p.Metadata.Name).ToHashSet();
        var restart = await Ok("rollout", "restart", "deployment/web", "-n", ns);
        Assert.Equal("deployment.apps/web restarted", restart.Stdout.Trim());
        await StatusAsync(ns);
        var d = await f.Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns);
        Assert.True(d.Spec.Template.Metadata.Annotations.ContainsKey("kubectl.kubernetes.io/restartedAt"));
        var after = await ObservedState.Until(async () => (await f.Client.CoreV1.ListNamespacedPodAsync(ns)).Items,
            pods => pods.Count == 2, "the old pods to be gone", 20, pods => string.Join(",", pods.Select(p => p.Metadata.Name)));
        Assert.DoesNotContain(after, p => before.Contains(p.Metadata.Name));
        Assert.Equal("2", d.Metadata.Annotations["deployment.kubernetes.io/revision"]);
    }

    [Fact]
    public async Task Scale_and_get_deploy_rs_show_the_real_columns()
    {
        var ns = await DeployAsync(2);
        var scaled = await Ok("scale", "deployment/web", "--replicas=4", "-n", ns);
        Assert.Equal("deployment.apps/web scaled", scaled.Stdout.Trim());
        await StatusAsync(ns);

        var get = await Ok("get", "deploy,rs", "-n", ns);
        var lines = get.Lines;
        Assert.Matches(@"^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$", lines[0].TrimEnd());
        Assert.Matches(@"^deployment\.apps/web\s+4/4\s+4\s+4\s+\S+$", lines[1].TrimEnd());
        var rsHeader = Array.FindIndex(lines, l => l.StartsWith("NAME") && l.Contains("DESIRED"));
        Assert.Matches(@"^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$", lines[rsHeader].TrimEnd());
        Assert.Matches(@"^replicaset\.apps/web-[bcdfghjklmnpqrstvwxz2456789]+\s+4\s+4\s+4\s+\S+$", lines[rsHeader + 1].TrimEnd());
    }

    [Fact]
    public async Task Rollout_status_reports_a_deployment_that_exceeded_its_progress_deadline()
    {
        var ns = await DeployAsync(2);
        await Ok("patch", "deployment/web", "-n", ns, "-p", """{"spec":{"progressDeadlineSeconds":2}}""");
        await StatusAsync(ns);
        await Ok("set", "image", "deployment/web", "web=nginx:1.27.1-does-not-exist", "-n", ns);
        var r = await f.KubectlAsync("rollout", "status", "deployment/web", "-n", ns, "--timeout=30s");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("deployment \"web\" exceeded its progress deadline", r.Stderr);
        await Ok("rollout", "undo", "deployment/web", "-n", ns);
        await StatusAsync(ns);
    }
    [Fact]
    public async Task Change_cause_annotations_show_in_rollout_history()
    {
        var ns = await DeployAsync(1);
        await Ok("set", "image", "deployment/web", "web=nginx:1.27.1", "-n", ns);
        await StatusAsync(ns);
        // The controller copies the Deployment's annotations onto its current ReplicaSet; history reads them from there.
        await Ok("annotate", "deployment/web", "-n", ns, "kubernetes.io/change-cause=upgrade to 1.27.1");
        var history = await ObservedState.Until(() => f.KubectlAsync("rollout", "history", "deployment/web", "-n", ns),
            r => r.Stdout.Contains("upgrade to 1.27.1"), "the change-cause in the history", 15, r => r.ToString());
        var lines = history.Lines.Select(l => l.TrimEnd()).ToArray();
        Assert.Matches(@"^1\s+<none>$", lines[2]);
        Assert.Matches(@"^2\s+upgrade to 1\.27\.1$", lines[3]);
    }
}
