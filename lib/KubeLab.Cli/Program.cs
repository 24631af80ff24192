using System.CommandLine;
using KubeLab.Cli;
using KubeLab.Cli.Commands;

var root = new RootCommand("kubelab – run the Kubernetes course's notebooks against kind or the built-in simulated cluster.");
root.Subcommands.Add(SimCommand.Create());
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(UpCommand.Create());
root.Subcommands.Add(BenchCommand.Create());

try
{
    return await root.Parse(args).InvokeAsync();
}
catch (UserError e)
{
    ConsoleOutput.Error(e.Message);
    return e.ExitCode;
}
