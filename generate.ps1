<#
.SYNOPSIS
    Generate the synthetic OpenDental demo database (Windows wrapper for main.py).
.DESCRIPTION
    Turns PowerShell parameters into main.py options and returns main.py's exit code (0 done, 1 a
    validator failed, 2 bad input or refused). Settings not given here come from environment variables,
    then .env_demo in this folder (copy .env_demo.template), then defaults. -DbPassword is handed over in
    the DEMO_POSTGRES_PASSWORD environment variable, so it never shows in the process list. Anything
    else after the named parameters (for example --output csv out) is passed on unchanged.
.EXAMPLE
    .\generate.ps1 -Patients 1000
.EXAMPLE
    .\generate.ps1 -DbHost localhost -DbUser postgres -DbPassword (Read-Host) -Reset -Seed 7
.EXAMPLE
    .\generate.ps1 -DbHost embedded -DbtProfile $HOME\.dbt\profiles.yml
.EXAMPLE
    .\generate.ps1 -AdvanceTo today
    Takes the practice in the database to today's date (-AdvanceTo 2026-12-01 for a given day).
#>
[CmdletBinding()]
param(
    [int]$Patients,
    [int]$Appointments,
    [int]$Procedures,
    [string]$DbHost,
    [int]$DbPort,
    [string]$DbName,
    [string]$DbUser,
    [string]$DbPassword,
    [string]$StartDate,
    [string]$AsOf,
    [string]$AdvanceTo,
    [string]$PacedBy,
    [int]$Seed = -1,
    [int]$Workers,
    [string]$EnvFile,
    [string]$DbtProfile,
    [switch]$Reset,
    [switch]$ValidateOnly,
    [switch]$DryRun,
    [switch]$Quiet,
    [Parameter(ValueFromRemainingArguments = $true)]
    [string[]]$Rest
)

$ErrorActionPreference = 'Stop'
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
$python = if (Get-Command python -ErrorAction SilentlyContinue) { 'python' } else { 'py' }

$cli = @()
if ($Patients) { $cli += @('--patients', $Patients) }
if ($Appointments) { $cli += @('--appointments', $Appointments) }
if ($Procedures) { $cli += @('--procedures', $Procedures) }
if ($DbHost) { $cli += @('--db-host', $DbHost) }
if ($DbPort) { $cli += @('--db-port', $DbPort) }
if ($DbName) { $cli += @('--db-name', $DbName) }
if ($DbUser) { $cli += @('--db-user', $DbUser) }
if ($StartDate) { $cli += @('--start-date', $StartDate) }
if ($AsOf) { $cli += @('--as-of', $AsOf) }
if ($AdvanceTo) { $cli += if ($AdvanceTo -eq 'today') { @('--advance-to') } else { @('--advance-to', $AdvanceTo) } }
if ($PacedBy) { $cli += @('--paced-by', $PacedBy) }
if ($Seed -ge 0) { $cli += @('--seed', $Seed) }
if ($Workers) { $cli += @('--workers', $Workers) }
if ($EnvFile) { $cli += @('--env-file', $EnvFile) }
if ($DbtProfile) { $cli += @('--dbt-profile', $DbtProfile) }
if ($Reset) { $cli += '--reset' }
if ($ValidateOnly) { $cli += '--validate-only' }
if ($DryRun) { $cli += '--dry-run' }
if ($Quiet) { $cli += '--quiet' }
if ($PSBoundParameters.ContainsKey('Verbose')) { $cli += '--verbose' }  # -Verbose is a common parameter
if ($Rest) { $cli += $Rest }

$previousPassword = $env:DEMO_POSTGRES_PASSWORD
if ($DbPassword) { $env:DEMO_POSTGRES_PASSWORD = $DbPassword }
Push-Location $here
try {
    & $python (Join-Path $here 'main.py') @cli
    exit $LASTEXITCODE
}
finally {
    Pop-Location
    $env:DEMO_POSTGRES_PASSWORD = $previousPassword
}
