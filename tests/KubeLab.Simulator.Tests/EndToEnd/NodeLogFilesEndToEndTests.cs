using System.Text.RegularExpressions;

namespace KubeLab.Simulator.Tests.EndToEnd;

/// <summary>Container logs on the node's disk (/var/log/pods, /var/log/containers), read through a hostPath as a log agent does.</summary>
public sealed class NodeLogFilesEndToEndTests(EndToEndCluster f) : IClassFixture<EndToEndCluster>
{
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
            """);
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
}
