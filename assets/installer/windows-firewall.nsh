; Included by electron-builder's NSIS installer (electron-builder.yml: nsis.include).
;
; Sightline receives UDP it did not ask for on that socket: NatNet frames (unicast or multicast) and
; discovery answers, VRPN, Teleport (ENet) and mDNS replies. Windows Defender Firewall blocks
; unsolicited inbound UDP for a program without a rule. An installation for all users (elevated) adds
; one inbound rule for Sightline.exe, UDP only, on domain and private networks (a lab network; never
; public ones); uninstalling removes it. An installation for the current user only cannot add rules:
; Windows then asks the first time Sightline listens (README, "Network permissions").
!macro customInstall
  nsExec::ExecToLog 'netsh advfirewall firewall delete rule name="Sightline (lab devices, UDP)"'
  Pop $0
  nsExec::ExecToLog 'netsh advfirewall firewall add rule name="Sightline (lab devices, UDP)" dir=in action=allow protocol=UDP profile=domain,private enable=yes program="$INSTDIR\${APP_EXECUTABLE_FILENAME}"'
  Pop $0
!macroend

!macro customUnInstall
  nsExec::ExecToLog 'netsh advfirewall firewall delete rule name="Sightline (lab devices, UDP)"'
  Pop $0
!macroend
