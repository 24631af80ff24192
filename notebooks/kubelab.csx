// kubelab.csx – the setup every course notebook loads in its first cell with:  #load "kubelab.csx"
// `global using` makes KubeLab, k8s, k8s.Models and System.IO available in every later cell (plain usings in a #load-ed file stay local to it).
// It references the course's helper library (build it first with `dotnet build lib/KubeLab`, or run
// `dotnet run --project lib/KubeLab.Cli -- run`, which builds it) and shows KubeLab's tables and charts as HTML.
// bin/notebook/ is where every build of lib/KubeLab, Debug or Release, puts what notebooks load (see lib/KubeLab/KubeLab.csproj).
// If the next line fails with "error CS0006: Metadata file '…/KubeLab.dll' could not be found", the library is not built yet:
// run `dotnet build lib/KubeLab` in the course folder, then restart the kernel and run this cell again.
#r "../lib/KubeLab/bin/notebook/KubeLab.dll"

global using System.IO;   // not among the C# kernel's default imports; notebooks read manifest files
global using KubeLab;
global using k8s;
global using k8s.Models;
global using Microsoft.DotNet.Interactive.Formatting;

// Tables, timelines and charts implement IHtmlDisplayable: render them as HTML in the notebook. One NotebookPage per kernel:
// the first chart output carries plotly.js, later charts reuse it (all outputs of a notebook share one page).
Formatter.Register<IHtmlDisplayable>(new NotebookPage().Write, "text/html");
