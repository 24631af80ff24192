using System.Text.RegularExpressions;

namespace KubeLab.Simulator.Tests.EndToEnd;

/// <summary>Container logs on the node's disk (/var/log/pods, /var/log/containers), read through a hostPath as a log agent does.</summary>
public sealed class NodeLogFilesEndToEndTests(EndToEndCluster f) : IClassFixture<EndToEndCluster>
{
    /// <summary>A pod on the same node that reads the node's /var/log through a hostPath (as fluent-bit would).</summary>
    private const string Reader = """

        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: reader
        spec:
          nodeName: k8s-course-worker
          containers:
          - name: main
            image: busybox:1.36
            command: ["sleep", "3600"]
            volumeMounts:
            - name: varlog
              mountPath: /var/log
              readOnly: true
          volumes:
          - name: varlog
            hostPath:
              path: /var/log
              type: Directory
        """;

    [Fact]
    public async Task A_hostPath_reader_sees_other_pods_logs_in_CRI_format()
    {
        var ns = await f.NewNamespaceAsync("nodelogs");
        await f.ApplyAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata:
              name: talker
            spec:
              nodeName: k8s-course-worker
              containers:
              - name: main
                image: busybox:1.36
                command: ["sh", "-c", "echo hello node; echo oops >&2; sleep 3600"]
            """ + Reader);
        var talker = await f.WaitForRunningAsync(ns, "talker");
        await f.WaitForRunningAsync(ns, "reader");
        var id = talker.Status.ContainerStatuses.Single().ContainerID["containerd://".Length..];
        var link = $"/var/log/containers/talker_{ns}_main-{id}.log";

        KubectlResult? cat = null;
        await EndToEndCluster.EventuallyAsync(async () =>
        {
            cat = await f.ExecAsync(null, "exec", "reader", "-n", ns, "--", "cat", link);
            return cat.ExitCode == 0 && cat.Stdout.Contains("oops");
        }, () => $"{link} with both lines: {cat}");
        var lines = cat!.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(new Regex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z stdout F hello node$"), lines[0]);
        Assert.Matches(new Regex(@"^\S+Z stderr F oops$"), lines[1]);

        var direct = await f.ExecAsync(null, "exec", "reader", "-n", ns, "--", "cat", $"/var/log/pods/{ns}_talker_{talker.Metadata.Uid}/main/0.log");
        Assert.Equal(cat.Stdout, direct.Stdout);

        await f.KubectlOkAsync("delete", "pod", "talker", "-n", ns, "--grace-period=0", "--force");
        await EndToEndCluster.EventuallyAsync(async () =>
            !(await f.ExecAsync(null, "exec", "reader", "-n", ns, "--", "ls", "/var/log/containers")).Stdout.Contains($"talker_{ns}_"),
            () => "talker's log link removed with the pod");
    }

    [Fact]
    public async Task A_restarting_container_keeps_its_current_and_previous_run_on_disk()
    {
        var ns = await f.NewNamespaceAsync("nodelogs-restarts");
        await f.ApplyAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata:
              name: crasher
            spec:
              nodeName: k8s-course-worker
              containers:
              - name: main
                image: busybox:1.36
                command: ["sh", "-c", "echo attempt; exit 1"]
            """ + Reader);
        await f.WaitForRunningAsync(ns, "reader");
        // Back-offs of 10 s, 20 s (1 s, 2 s of real time at 10x): the fourth run starts after three exits.
        var crasher = await f.WaitForPodAsync(ns, "crasher", p => p.Status?.ContainerStatuses?[0].RestartCount >= 3, "three restarts");
        var dir = $"/var/log/pods/{ns}_crasher_{crasher.Metadata.Uid}/main";

        // Checked as a whole, again if a later restart changed the directory in between (a new run's file comes before the
        // run before the previous one goes).
        var seen = "";
        await EndToEndCluster.EventuallyAsync(async () =>
        {
            var runs = (await f.ExecAsync(null, "exec", "reader", "-n", ns, "--", "ls", dir)).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var links = (await f.ExecAsync(null, "exec", "reader", "-n", ns, "--", "ls", "/var/log/containers")).Stdout
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith($"crasher_{ns}_main-", StringComparison.Ordinal));
            var contents = new List<string>();
            foreach (var run in runs) contents.Add((await f.ExecAsync(null, "exec", "reader", "-n", ns, "--", "cat", $"{dir}/{run}")).Stdout);
            seen = $"runs [{string.Join(", ", runs)}], {links} links, contents [{string.Join(" | ", contents)}]";
            var numbers = runs.Select(r => int.TryParse(r.Replace(".log", ""), out var n) ? n : -1).Order().ToArray();
            return numbers.Length == 2 && numbers[0] >= 2 && numbers[1] == numbers[0] + 1 && links == 2
                && contents.All(c => Regex.IsMatch(c, @"^\S+Z stdout F attempt\n$"));
        }, () => $"{dir}: only the last two runs, each with its line, and their two links; got {seen}");
    }
}
