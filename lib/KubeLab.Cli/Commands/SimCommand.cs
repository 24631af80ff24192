using System.CommandLine;
using KubeLab.Runner;

namespace KubeLab.Cli.Commands;

/// <summary><c>kubelab sim</c>: serve the simulated cluster in the foreground until Ctrl-C / SIGTERM.</summary>
internal static class SimCommand
{
    public static Command Create()
    {
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Where to write the kubeconfig (default: artifacts/kubeconfig-sim.yaml in the course folder)." };
        var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1 (default: a free port).", DefaultValueFactory = _ => 0 };
        var speed = ClockSpeedOption.Create();
        var command = new Command("sim", "Start the simulated Kubernetes cluster and serve it until Ctrl-C.") { kubeconfig, port, speed };
        command.SetAction((parse, ct) => CommandErrors.Guard(() => RunAsync(parse.GetValue(kubeconfig), parse.GetValue(port), parse.GetValue(speed), ct)));
        return command;
    }

    private static async Task<int> RunAsync(string? kubeconfig, int port, double clockSpeed, CancellationToken ct)
    {
        if (port is < 0 or > 65535)
            throw new UserError($"--port must be between 0 and 65535 (got {port}).");
        ClockSpeedOption.Validate(clockSpeed);
        var path = Path.GetFullPath(kubeconfig ?? DefaultKubeconfig());
        using var signal = new ShutdownSignal(ct);
        await using (var session = await ClusterSession.StartSimulatorAsync(path, port, clockSpeed, KubeLab.Simulator.SimulatorOptions.KindExtraPortMappings, signal.Token))
        {
            Console.WriteLine($"kubelab-sim ready at {session.Server} (context {session.Context})");
            Console.WriteLine($"  kubeconfig: {path}");
            Console.WriteLine("  nodeport:   http://localhost:30080/ reaches NodePort 30080 (kind's extraPortMappings)");
            // HTTPS with the cluster's CA and a client certificate: read the clock through the kubeconfig, as kubectl does.
            Console.WriteLine($"  clock:      {clockSpeed:0.##}× real time (read: kubectl --kubeconfig {path} get --raw /kubelab/v1/clock; change: PUT the same path)");
            Console.WriteLine($"  try:        kubectl --kubeconfig {path} get nodes");
            Console.WriteLine($"  or:         export KUBECONFIG={path}");
            Console.WriteLine("Press Ctrl-C to stop.");
            try
            {
                await Task.Delay(Timeout.Infinite, signal.Token);
            }
            catch (OperationCanceledException)
            {
                Console.WriteLine("Stopping the simulated cluster...");
            }
        }
        Console.WriteLine("Stopped.");
        return 0;
    }

    private static string DefaultKubeconfig() =>
        Path.Combine(RepoRoot.TryFind(Environment.CurrentDirectory) ?? Environment.CurrentDirectory, "artifacts", "kubeconfig-sim.yaml");
}
