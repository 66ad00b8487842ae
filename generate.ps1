<#
.SYNOPSIS
    Generate the synthetic OpenDental demo database (Windows wrapper for main.py).
.DESCRIPTION
    Settings come from the parameters below, then environment variables, then .env_demo in this
    folder (copy .env_demo.template), then defaults. main.py reads .env_demo itself; this script only
    turns PowerShell parameters into main.py options.
.EXAMPLE
    .\generate.ps1 -Patients 1000
.EXAMPLE
    .\generate.ps1 -Reset -AsOf 2026-11-25 -Seed 7
#>
[CmdletBinding()]
param(
    [int]$Patients,
    [int]$Appointments,
    [int]$Procedures,
    [string]$StartDate,
    [string]$AsOf,
    [int]$Seed = -1,
    [string]$EnvFile,
    [switch]$Reset,
    [switch]$ValidateOnly
)

$ErrorActionPreference = 'Stop'
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
$python = if (Get-Command python -ErrorAction SilentlyContinue) { 'python' } else { 'py' }

$cli = @()
if ($Patients) { $cli += @('--patients', $Patients) }
if ($Appointments) { $cli += @('--appointments', $Appointments) }
if ($Procedures) { $cli += @('--procedures', $Procedures) }
if ($StartDate) { $cli += @('--start-date', $StartDate) }
if ($AsOf) { $cli += @('--as-of', $AsOf) }
if ($Seed -ge 0) { $cli += @('--seed', $Seed) }
if ($EnvFile) { $cli += @('--env-file', $EnvFile) }
if ($Reset) { $cli += '--reset' }
if ($ValidateOnly) { $cli += '--validate-only' }

Push-Location $here
try {
    & $python (Join-Path $here 'main.py') @cli
    exit $LASTEXITCODE
}
finally {
    Pop-Location
}
