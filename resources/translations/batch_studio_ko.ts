<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko" sourcelanguage="en">
<context>
    <name>Catalog</name>
    <message>
        <source>the input schema of {model} is not available (the catalog gives no way to fetch it)</source>
        <translation>{model}의 입력 스키마를 가져올 수 없습니다(카탈로그에 가져올 방법이 없습니다)</translation>
    </message>
    <message>
        <source>{model} is not in the catalog</source>
        <translation>{model}은(는) 카탈로그에 없습니다</translation>
    </message>
    <message>
        <source>at an unknown time</source>
        <translation>알 수 없는 시각에</translation>
    </message>
    <message>
        <source>live catalog, {count} models, fetched {when}</source>
        <translation>실시간 카탈로그, 모델 {count}개, {when} 가져옴</translation>
    </message>
    <message>
        <source>cached catalog, {count} models, fetched {when}</source>
        <translation>캐시된 카탈로그, 모델 {count}개, {when} 가져옴</translation>
    </message>
    <message>
        <source>demo simulator catalog, {count} models</source>
        <translation>데모 시뮬레이터 카탈로그, 모델 {count}개</translation>
    </message>
    <message>
        <source>bundled snapshot, {count} models</source>
        <translation>내장 스냅숏, 모델 {count}개</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>방금</translation>
    </message>
    <message>
        <source>{count} min ago</source>
        <translation>{count}분 전</translation>
    </message>
    <message>
        <source>{count} h ago</source>
        <translation>{count}시간 전</translation>
    </message>
    <message>
        <source>{count} days ago</source>
        <translation>{count}일 전</translation>
    </message>
    <message>
        <source>the live catalog lists no usable image or video models</source>
        <translation>실시간 카탈로그에 사용할 수 있는 이미지 또는 동영상 모델이 없습니다</translation>
    </message>
    <message>
        <source>the live model list could not be fetched ({reason}); showing the catalog cached {when}</source>
        <translation>실시간 모델 목록을 가져오지 못했습니다({reason}). {when} 캐시한 카탈로그를 표시합니다</translation>
    </message>
    <message>
        <source>the live model list could not be fetched ({reason}); showing the bundled snapshot</source>
        <translation>실시간 모델 목록을 가져오지 못했습니다({reason}). 내장 스냅숏을 표시합니다</translation>
    </message>
    <message>
        <source>the catalog gives no schema URL</source>
        <translation>카탈로그에 스키마 URL이 없습니다</translation>
    </message>
    <message>
        <source>the input schema of {model} is not available ({reason})</source>
        <translation>{model}의 입력 스키마를 가져올 수 없습니다({reason})</translation>
    </message>
</context>
<context>
    <name>CompareDialog</name>
    <message numerus="yes">
        <source>Compare %n output(s)</source>
        <translation>
            <numerusform>결과물 %n개 비교</numerusform>
        </translation>
    </message>
    <message>
        <source>Wheel: zoom every picture · drag: move them together · Space: play or pause</source>
        <translation>휠: 모든 그림 확대/축소 · 드래그: 함께 이동 · Space: 재생 또는 일시 정지</translation>
    </message>
</context>
<context>
    <name>Cost</name>
    <message>
        <source>{amount} (quote)</source>
        <translation>{amount} (견적)</translation>
    </message>
    <message>
        <source>≈{amount} (estimate)</source>
        <translation>≈{amount} (추정)</translation>
    </message>
    <message>
        <source>≈{amount} (partly quoted)</source>
        <translation>≈{amount} (일부 견적)</translation>
    </message>
</context>
<context>
    <name>Draft</name>
    <message>
        <source>&quot;{job}&quot;: {model} has no {name}; its {target} is the closest, and takes the value</source>
        <translation>&quot;{job}&quot;: {model}에는 {name}이(가) 없습니다. 가장 가까운 {target}이(가) 그 값을 받습니다</translation>
    </message>
    <message>
        <source>&quot;{job}&quot;: {model} has no {name} and nothing like it; it was left out</source>
        <translation>&quot;{job}&quot;: {model}에는 {name}도, 비슷한 입력도 없어 뺐습니다</translation>
    </message>
    <message>
        <source>&quot;{job}&quot;: {model} does not offer {name} {value}; it uses {fallback}</source>
        <translation>&quot;{job}&quot;: {model}은(는) {name} {value}을(를) 지원하지 않아 {fallback}을(를) 씁니다</translation>
    </message>
    <message>
        <source>&quot;{job}&quot;: {model} comes in no cheaper tier; it runs as itself and its output is the final</source>
        <translation>&quot;{job}&quot;: {model}에는 더 저렴한 등급이 없어 그대로 실행되며, 그 결과물이 최종본입니다</translation>
    </message>
    <message>
        <source>saved {amount}, {percent}%</source>
        <translation>{amount} 절약, {percent}%</translation>
    </message>
    <message>
        <source>cost {amount} more</source>
        <translation>{amount} 더 들었습니다</translation>
    </message>
    <message>
        <source>{jobs} draft(s) {drafts} + {promoted} final(s) {finals} = {spent}, against {full} for every job on its final tier: {verdict}</source>
        <translation>초안 {jobs}개 {drafts} + 최종본 {promoted}개 {finals} = {spent}, 모든 작업을 최종 등급으로 실행하면 {full}: {verdict}</translation>
    </message>
</context>
<context>
    <name>DraftMode</name>
    <message>
        <source>Draft mode</source>
        <translation>초안 모드</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>초안</translation>
    </message>
    <message>
        <source>Run each job on the cheapest tier of its model family, at a draft resolution and length, prompt and seed kept; promote the picks in review (Ctrl+Shift+D)</source>
        <translation>각 작업을 모델 계열의 가장 저렴한 등급에서 초안 해상도와 길이로 실행합니다. 프롬프트와 시드는 그대로이며, 고른 결과물은 검토에서 최종본으로 올립니다 (Ctrl+Shift+D)</translation>
    </message>
    <message>
        <source>Draft mode: each job runs on the cheapest tier of its family first; promote the picks in review.</source>
        <translation>초안 모드: 각 작업을 먼저 계열의 가장 저렴한 등급에서 실행합니다. 고른 결과물은 검토에서 최종본으로 올리세요.</translation>
    </message>
    <message>
        <source>Draft mode is off: each job runs on its own model.</source>
        <translation>초안 모드 꺼짐: 각 작업을 지정한 모델로 실행합니다.</translation>
    </message>
    <message>
        <source>{cost} · draft price loading…</source>
        <translation>{cost} · 초안 가격 불러오는 중…</translation>
    </message>
    <message>
        <source>{cost} · no cheaper tier: runs as itself</source>
        <translation>{cost} · 더 저렴한 등급 없음: 그대로 실행</translation>
    </message>
    <message>
        <source>{draft} draft · {final} final</source>
        <translation>초안 {draft} · 최종 {final}</translation>
    </message>
    <message>
        <source>total ≈{draft} draft · ≈{final} final</source>
        <translation>합계 초안 ≈{draft} · 최종 ≈{final}</translation>
    </message>
</context>
<context>
    <name>EngineReason</name>
    <message>
        <source>all jobs ended</source>
        <translation>모든 작업이 끝났습니다</translation>
    </message>
    <message>
        <source>paused by the user</source>
        <translation>사용자가 일시 정지함</translation>
    </message>
    <message>
        <source>cancelled by the user</source>
        <translation>사용자가 취소함</translation>
    </message>
    <message>
        <source>held back</source>
        <translation>보류됨</translation>
    </message>
    <message>
        <source>dropped by the user</source>
        <translation>사용자가 버림</translation>
    </message>
    <message>
        <source>a reopened batch starts paused: jobs that were already submitted are being checked and downloaded, nothing new is submitted. Press Run to continue the queue</source>
        <translation>다시 연 배치는 일시 정지 상태로 시작합니다. 이미 제출된 작업은 확인하고 내려받지만 새 작업은 제출하지 않습니다. 대기열을 이어서 진행하려면 실행을 누르세요</translation>
    </message>
    <message>
        <source>the app was closed; reopen the folder to continue</source>
        <translation>앱을 닫았습니다. 이어서 진행하려면 폴더를 다시 여세요</translation>
    </message>
    <message>
        <source>cancelled before it was submitted; nothing was charged</source>
        <translation>제출 전에 취소됨. 과금되지 않았습니다</translation>
    </message>
    <message>
        <source>cancelled by the user; nothing was charged</source>
        <translation>사용자가 취소함. 과금되지 않았습니다</translation>
    </message>
    <message>
        <source>cancelled by the user; Atlas Cloud has no cancel call, so the submitted task still runs and its charge stands</source>
        <translation>사용자가 취소함. Atlas Cloud에는 취소 기능이 없어 제출된 작업은 계속 실행되고 요금도 그대로 청구됩니다</translation>
    </message>
    <message>
        <source>{count} job(s) are held back or wait for a held job</source>
        <translation>작업 {count}개가 보류되었거나 보류된 작업을 기다립니다</translation>
    </message>
    <message>
        <source>the spend cap of ${cap} would be crossed by &quot;{name}&quot; ({cost}); spent so far ${spent}</source>
        <translation>&quot;{name}&quot;({cost})을(를) 제출하면 지출 한도 ${cap}을(를) 넘습니다. 지금까지 사용: ${spent}</translation>
    </message>
    <message>
        <source>the daily cap of ${cap} would be crossed by &quot;{name}&quot; ({cost}); spent today ${spent}</source>
        <translation>&quot;{name}&quot;({cost})을(를) 제출하면 하루 한도 ${cap}을(를) 넘습니다. 오늘 사용: ${spent}</translation>
    </message>
    <message>
        <source>{model}: rate limited, now {limit} at a time</source>
        <translation>{model}: 속도 제한, 이제 한 번에 {limit}개</translation>
    </message>
    <message>
        <source>its start image comes from &quot;{name}&quot;, which ended as {state} ({reason}); nothing was charged</source>
        <translation>시작 이미지를 만드는 &quot;{name}&quot; 작업이 {state} 상태로 끝났습니다({reason}). 과금되지 않았습니다</translation>
    </message>
    <message>
        <source>{field} ({file}) could not be uploaded: {error}</source>
        <translation>{field}({file})을(를) 업로드하지 못했습니다: {error}</translation>
    </message>
    <message>
        <source>still not finished after {minutes} min (the limit for this model); the prediction {id} is kept so it can be checked again later</source>
        <translation>{minutes}분(이 모델의 제한)이 지나도 끝나지 않았습니다. 나중에 다시 확인할 수 있도록 예측 {id}을(를) 보관합니다</translation>
    </message>
    <message>
        <source>polling stopped because the key was rejected; the task was submitted as {id} and can be checked again with a valid key</source>
        <translation>키가 거부되어 상태 조회를 멈췄습니다. 작업은 {id}(으)로 제출되었으며 올바른 키로 다시 확인할 수 있습니다</translation>
    </message>
    <message>
        <source>rejected by content moderation: {reason}</source>
        <translation>콘텐츠 검수에서 거부됨: {reason}</translation>
    </message>
    <message>
        <source>the task ended as {status}</source>
        <translation>작업이 {status} 상태로 끝났습니다</translation>
    </message>
    <message>
        <source>Atlas Cloud reported the task complete but sent no output</source>
        <translation>Atlas Cloud가 작업 완료를 알렸지만 결과물을 보내지 않았습니다</translation>
    </message>
    <message>
        <source>the output could not be downloaded after {count} tries; its URL stays valid for a while: retry the download</source>
        <translation>{count}번 시도했지만 결과물을 내려받지 못했습니다. URL은 한동안 유효하니 다시 내려받으세요</translation>
    </message>
    <message>
        <source>the batch stopped while this job was being submitted: Atlas Cloud may have created (and billed) it. Check the dashboard, then resubmit or drop it.</source>
        <translation>이 작업을 제출하는 중에 배치가 멈췄습니다. Atlas Cloud가 작업을 만들고 과금했을 수 있습니다. 대시보드를 확인한 뒤 다시 제출하거나 버리세요.</translation>
    </message>
    <message>
        <source>internal error: {error}</source>
        <translation>내부 오류: {error}</translation>
    </message>
    <message>
        <source>the batch stopped on an internal error: {error}</source>
        <translation>내부 오류로 배치가 멈췄습니다: {error}</translation>
    </message>
    <message>
        <source>the batch process ended unexpectedly ({detail}); what it did is kept: reopen the folder to continue</source>
        <translation>배치 프로세스가 예기치 않게 끝났습니다({detail}). 그때까지 한 일은 보존되었으니 폴더를 다시 열어 계속하세요</translation>
    </message>
    <message>
        <source>the batch process could not start ({detail}); its jobs are still queued in the folder: press Run or reopen the folder to try again</source>
        <translation>배치 프로세스를 시작할 수 없습니다({detail}). 작업은 폴더의 대기열에 그대로 있으니 실행을 누르거나 폴더를 다시 열어 다시 시도하세요</translation>
    </message>
    <message>
        <source>the submit may or may not have reached Atlas Cloud ({error}); it was not resent, so it cannot be charged twice</source>
        <translation>제출 요청이 Atlas Cloud에 닿았는지 알 수 없습니다({error}). 다시 보내지 않았으므로 두 번 과금되지 않습니다</translation>
    </message>
    <message>
        <source>rate limited (429): nothing was created</source>
        <translation>속도 제한(429): 아무것도 만들어지지 않았습니다</translation>
    </message>
    <message>
        <source>rate limited (429)</source>
        <translation>속도 제한(429)</translation>
    </message>
    <message>
        <source>Atlas Cloud answered {status} to the submit ({detail}); the task may exist and be billed, so it was not resent</source>
        <translation>Atlas Cloud가 제출에 {status}(으)로 응답했습니다({detail}). 작업이 만들어져 과금되었을 수 있어 다시 보내지 않았습니다</translation>
    </message>
    <message>
        <source>the submit reply has no task id; the task may exist, so it was not resent</source>
        <translation>제출 응답에 작업 ID가 없습니다. 작업이 있을 수 있어 다시 보내지 않았습니다</translation>
    </message>
    <message>
        <source>Atlas Cloud answered {status} to a poll</source>
        <translation>Atlas Cloud가 상태 조회에 {status}(으)로 응답했습니다</translation>
    </message>
    <message>
        <source>Atlas Cloud answered {status}</source>
        <translation>Atlas Cloud가 {status}(으)로 응답했습니다</translation>
    </message>
    <message>
        <source>the poll reply has no status</source>
        <translation>상태 조회 응답에 상태가 없습니다</translation>
    </message>
    <message>
        <source>the upload reply has no download_url</source>
        <translation>업로드 응답에 download_url이 없습니다</translation>
    </message>
    <message>
        <source>{file} is {size} MB; uploads are limited to {limit} MB</source>
        <translation>{file}은(는) {size}MB입니다. 업로드는 {limit}MB까지 가능합니다</translation>
    </message>
    <message>
        <source>the output URL answered 404: it has expired or never existed</source>
        <translation>결과물 URL이 404로 응답했습니다. 만료되었거나 처음부터 없었습니다</translation>
    </message>
    <message>
        <source>the output server answered {status}</source>
        <translation>결과물 서버가 {status}(으)로 응답했습니다</translation>
    </message>
    <message>
        <source>the output URL answered {status}</source>
        <translation>결과물 URL이 {status}(으)로 응답했습니다</translation>
    </message>
    <message>
        <source>the download came up short: {received} of {expected} bytes</source>
        <translation>내려받은 크기가 모자랍니다: {expected}바이트 중 {received}바이트</translation>
    </message>
    <message>
        <source>the download broke off: {error}</source>
        <translation>내려받기가 끊겼습니다: {error}</translation>
    </message>
    <message>
        <source>polling failed: {error}</source>
        <translation>상태 조회 실패: {error}</translation>
    </message>
    <message>
        <source>cannot reach {url}: {error}</source>
        <translation>{url}에 연결할 수 없습니다: {error}</translation>
    </message>
    <message>
        <source>the request timed out</source>
        <translation>요청 시간이 초과되었습니다</translation>
    </message>
    <message>
        <source>the connection failed or was dropped</source>
        <translation>연결하지 못했거나 연결이 끊겼습니다</translation>
    </message>
    <message>
        <source>no API key is set: add one in Settings or set ATLASCLOUD_API_KEY</source>
        <translation>API 키가 없습니다. 설정에서 추가하거나 ATLASCLOUD_API_KEY를 지정하세요</translation>
    </message>
    <message>
        <source>Atlas Cloud rejected the API key (401: {detail}); enter a valid key</source>
        <translation>Atlas Cloud가 API 키를 거부했습니다(401: {detail}). 올바른 키를 입력하세요</translation>
    </message>
    <message>
        <source>insufficient balance (402: {detail}); top up your Atlas Cloud account</source>
        <translation>잔액이 부족합니다(402: {detail}). Atlas Cloud 계정을 충전하세요</translation>
    </message>
    <message>
        <source>not found (404: {detail})</source>
        <translation>찾을 수 없습니다(404: {detail})</translation>
    </message>
    <message>
        <source>the request is too large (413: {detail}); upload the file instead of inlining it</source>
        <translation>요청이 너무 큽니다(413: {detail}). 파일을 본문에 넣지 말고 업로드하세요</translation>
    </message>
    <message>
        <source>not available in this region (451: {detail})</source>
        <translation>이 지역에서는 사용할 수 없습니다(451: {detail})</translation>
    </message>
    <message>
        <source>Atlas Cloud refused the request ({status}: {detail})</source>
        <translation>Atlas Cloud가 요청을 거절했습니다({status}: {detail})</translation>
    </message>
    <message>
        <source>{error}. Check the Atlas Cloud dashboard, then resubmit or drop this job.</source>
        <translation>{error}. Atlas Cloud 대시보드를 확인한 뒤 이 작업을 다시 제출하거나 버리세요.</translation>
    </message>
    <message>
        <source>{error}; the task was paid but its output is gone</source>
        <translation>{error}. 작업 비용은 지불되었지만 결과물이 사라졌습니다</translation>
    </message>
    <message>
        <source>{error}; nothing was charged</source>
        <translation>{error}. 과금되지 않았습니다</translation>
    </message>
    <message>
        <source>{error}; retrying in {seconds} s</source>
        <translation>{error}. {seconds}초 뒤 다시 시도합니다</translation>
    </message>
    <message>
        <source>{error}; downloading again</source>
        <translation>{error}. 다시 내려받습니다</translation>
    </message>
    <message>
        <source>{reason} (refunded automatically)</source>
        <translation>{reason} (자동 환불됨)</translation>
    </message>
    <message>
        <source>{error} (request id {id})</source>
        <translation>{error} (요청 ID {id})</translation>
    </message>
    <message>
        <source>the worker submitting this job stopped answering before Atlas Cloud&apos;s reply was saved; {reason}. Check the dashboard, then resubmit or drop it.</source>
        <translation>이 작업을 제출하던 워커가 Atlas Cloud의 응답이 저장되기 전에 응답을 멈췄습니다. {reason}. 대시보드를 확인한 뒤 다시 제출하거나 버리세요.</translation>
    </message>
    <message>
        <source>the worker submitting this job stopped answering before Atlas Cloud&apos;s reply was saved; {reason}; submitting it once more</source>
        <translation>이 작업을 제출하던 워커가 Atlas Cloud의 응답이 저장되기 전에 응답을 멈췄습니다. {reason}. 한 번 더 제출합니다</translation>
    </message>
    <message>
        <source>the worker submitting this job stopped answering before Atlas Cloud&apos;s reply was saved; {reason}</source>
        <translation>이 작업을 제출하던 워커가 Atlas Cloud의 응답이 저장되기 전에 응답을 멈췄습니다. {reason}</translation>
    </message>
    <message>
        <source>another worker began submitting this job and stopped answering: Atlas Cloud may have created (and billed) it. Check the dashboard, then resubmit or drop it.</source>
        <translation>다른 워커가 이 작업을 제출하기 시작한 뒤 응답을 멈췄습니다. Atlas Cloud가 작업을 만들고 과금했을 수 있습니다. 대시보드를 확인한 뒤 다시 제출하거나 버리세요.</translation>
    </message>
    <message>
        <source>its worker stopped answering; another worker takes it over</source>
        <translation>담당 워커가 응답하지 않아 다른 워커가 이어받습니다</translation>
    </message>
</context>
<context>
    <name>EnumBox</name>
    <message>
        <source>(not set)</source>
        <translation>(지정 안 함)</translation>
    </message>
    <message>
        <source>{value} (not allowed here)</source>
        <translation>{value} (여기서는 허용되지 않음)</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Welcome to Batch Studio</source>
        <translation>Batch Studio에 오신 것을 환영합니다</translation>
    </message>
    <message>
        <source>No Atlas Cloud API key is set.

Try the demo first: a local simulator stands in for Atlas Cloud and makes real PNG and MP4 files. Nothing is real and nothing is billed.

Or enter your API key to generate for real.</source>
        <translation>Atlas Cloud API 키가 설정되어 있지 않습니다.

먼저 데모를 사용해 보세요. 로컬 시뮬레이터가 Atlas Cloud를 대신하여 실제 PNG와 MP4 파일을 만듭니다. 실제 생성도 과금도 없습니다.

또는 API 키를 입력하여 실제로 생성하세요.</translation>
    </message>
    <message>
        <source>Try the demo</source>
        <translation>데모 사용해 보기</translation>
    </message>
    <message>
        <source>Enter an API key…</source>
        <translation>API 키 입력…</translation>
    </message>
</context>
<context>
    <name>Fleet</name>
    <message>
        <source>its worker stopped answering; another worker takes it over</source>
        <translation>담당 워커가 응답하지 않아 다른 워커가 이어받습니다</translation>
    </message>
    <message>
        <source>another worker began submitting this job and stopped answering: Atlas Cloud may have created (and billed) it. Check the dashboard, then resubmit or drop it.</source>
        <translation>다른 워커가 이 작업을 제출하기 시작한 뒤 응답을 멈췄습니다. Atlas Cloud가 작업을 만들고 과금했을 수 있습니다. 대시보드를 확인한 뒤 다시 제출하거나 버리세요.</translation>
    </message>
    <message>
        <source>Check the dashboard, then resubmit or drop it.</source>
        <translation>대시보드를 확인한 뒤 다시 제출하거나 버리세요.</translation>
    </message>
</context>
<context>
    <name>JobEditor</name>
    <message>
        <source>Select a job, or add one with the Add buttons.</source>
        <translation>작업을 선택하거나 추가 버튼으로 작업을 추가하세요.</translation>
    </message>
    <message>
        <source>optional, inside the output folder</source>
        <translation>선택 사항, 출력 폴더 안의 폴더</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Subfolder</source>
        <translation>하위 폴더</translation>
    </message>
    <message numerus="yes">
        <source>Editing %n jobs: a change applies to all of them.</source>
        <translation>
            <numerusform>작업 %n개 편집 중: 변경 사항이 모두에 적용됩니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>(several jobs)</source>
        <translation>(여러 작업)</translation>
    </message>
    <message>
        <source>From the output of &quot;{parent}&quot; when it finishes.</source>
        <translation>&quot;{parent}&quot; 작업이 끝나면 그 결과물을 사용합니다.</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>다시 시도</translation>
    </message>
    <message>
        <source>Loading the inputs of {model}…</source>
        <translation>{model}의 입력을 불러오는 중…</translation>
    </message>
    <message>
        <source>The inputs of {model} could not be loaded: {reason}</source>
        <translation>{model}의 입력을 불러오지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>Choose a model to edit its inputs.</source>
        <translation>입력값을 편집하려면 모델을 고르세요.</translation>
    </message>
    <message>
        <source>Unknown model {model}.</source>
        <translation>알 수 없는 모델 {model}.</translation>
    </message>
</context>
<context>
    <name>JobSet</name>
    <message>
        <source>{name} needs the columns name and model (and one column per input)</source>
        <translation>{name}에는 name과 model 열(그리고 입력마다 열 하나)이 있어야 합니다</translation>
    </message>
    <message>
        <source>{where}: schema_version must be a positive whole number, not {version}</source>
        <translation>{where}: schema_version은 양의 정수여야 합니다({version}이(가) 아님)</translation>
    </message>
    <message>
        <source>{where} is a version {version} {what}, written by a newer Batch Studio; this version reads up to version {supported}. Update Batch Studio to open it.</source>
        <translation>{where}은(는) 더 새로운 Batch Studio가 쓴 버전 {version} {what}입니다. 이 버전은 버전 {supported}까지만 읽습니다. 열려면 Batch Studio를 업데이트하세요.</translation>
    </message>
    <message>
        <source>{path}: no such file</source>
        <translation>{path}: 파일이 없습니다</translation>
    </message>
    <message>
        <source>{path}: not a text file (expected YAML or JSON in UTF-8)</source>
        <translation>{path}: 텍스트 파일이 아닙니다(UTF-8 YAML 또는 JSON이어야 합니다)</translation>
    </message>
    <message>
        <source>{path}: cannot be read ({strerror})</source>
        <translation>{path}: 읽을 수 없습니다({strerror})</translation>
    </message>
    <message>
        <source>{source}: the file is empty</source>
        <translation>{source}: 파일이 비어 있습니다</translation>
    </message>
    <message>
        <source>{source}: expected a mapping with schema_version and jobs at the top</source>
        <translation>{source}: 맨 위에 schema_version과 jobs가 있는 매핑이어야 합니다</translation>
    </message>
    <message>
        <source>{source}: jobs must be a list of jobs</source>
        <translation>{source}: jobs는 작업 목록이어야 합니다</translation>
    </message>
    <message>
        <source>{source}: the template makes {count} job(s)</source>
        <translation>{source}: 템플릿이 작업 {count}개를 만듭니다</translation>
    </message>
    <message>
        <source>{source}: the job set has no jobs</source>
        <translation>{source}: 작업 세트에 작업이 없습니다</translation>
    </message>
    <message>
        <source>{source}: {where}the file is nested too deeply (over {limit} levels); a job set needs only a few</source>
        <translation>{source}: {where}파일이 너무 깊게 중첩되어 있습니다({limit}단계 초과). 작업 세트에는 몇 단계면 충분합니다</translation>
    </message>
    <message>
        <source>{source}: line {lineno}, column {colno}: {msg}</source>
        <translation>{source}: {lineno}행 {colno}열: {msg}</translation>
    </message>
    <message>
        <source>line {line}, column {column}: </source>
        <translation>{line}행 {column}열: </translation>
    </message>
    <message>
        <source>not valid YAML</source>
        <translation>올바른 YAML이 아닙니다</translation>
    </message>
    <message>
        <source> ({context} at line {line}, column {column})</source>
        <translation> ({line}행 {column}열의 {context})</translation>
    </message>
    <message>
        <source>{source}: not valid YAML ({exc})</source>
        <translation>{source}: 올바른 YAML이 아닙니다({exc})</translation>
    </message>
    <message>
        <source>inputs must be a mapping of field names to values</source>
        <translation>inputs는 필드 이름과 값의 매핑이어야 합니다</translation>
    </message>
    <message>
        <source>; did you mean {name}?</source>
        <translation>; {name}을(를) 말씀하신 건가요?</translation>
    </message>
    <message>
        <source>unknown key {key} (known: {names}){hint}</source>
        <translation>알 수 없는 키 {key} (사용 가능: {names}){hint}</translation>
    </message>
    <message>
        <source>{key} is given twice, beside name and under inputs, with different values</source>
        <translation>{key}이(가) name 옆과 inputs 아래에 서로 다른 값으로 두 번 지정되었습니다</translation>
    </message>
    <message>
        <source>{source}: unknown top-level key {key} (known: {names})</source>
        <translation>{source}: 알 수 없는 최상위 키 {key} (사용 가능: {names})</translation>
    </message>
    <message>
        <source>{source}: output_dir must be a folder path</source>
        <translation>{source}: output_dir은 폴더 경로여야 합니다</translation>
    </message>
    <message>
        <source>{source}: concurrency must be a whole number from 1 to {MAX_CONCURRENCY}, not {concurrency}</source>
        <translation>{source}: concurrency는 1부터 {MAX_CONCURRENCY}까지의 정수여야 합니다({concurrency}이(가) 아님)</translation>
    </message>
    <message>
        <source>{source}: webhook_url must be an http(s) URL</source>
        <translation>{source}: webhook_url은 http(s) URL이어야 합니다</translation>
    </message>
    <message>
        <source>{source}: defaults must be a mapping (model, inputs, output_subfolder)</source>
        <translation>{source}: defaults는 매핑(model, inputs, output_subfolder)이어야 합니다</translation>
    </message>
    <message>
        <source>{source}: defaults: unknown key {key} (known: {names})</source>
        <translation>{source}: defaults: 알 수 없는 키 {key} (사용 가능: {names})</translation>
    </message>
    <message>
        <source>{source}: defaults.inputs must be a mapping of field names to values</source>
        <translation>{source}: defaults.inputs는 필드 이름과 값의 매핑이어야 합니다</translation>
    </message>
    <message>
        <source>{where} must be a mapping with name, model and inputs</source>
        <translation>{where}은(는) name, model, inputs가 있는 매핑이어야 합니다</translation>
    </message>
    <message>
        <source>{where}: name is required</source>
        <translation>{where}: name은 필수입니다</translation>
    </message>
    <message>
        <source>{where} &quot;{name}&quot;: model is required (a model id such as google/imagen4)</source>
        <translation>{where} &quot;{name}&quot;: model은 필수입니다(google/imagen4 같은 모델 ID)</translation>
    </message>
    <message>
        <source>{where} &quot;{name}&quot;: output_subfolder must be a folder name</source>
        <translation>{where} &quot;{name}&quot;: output_subfolder는 폴더 이름이어야 합니다</translation>
    </message>
    <message>
        <source>{where} &quot;{name}&quot;: image_from must be the name of another job</source>
        <translation>{where} &quot;{name}&quot;: image_from은 다른 작업의 이름이어야 합니다</translation>
    </message>
    <message>
        <source>{source}: variables must be a mapping of names to values</source>
        <translation>{source}: variables는 이름과 값의 매핑이어야 합니다</translation>
    </message>
    <message>
        <source>{source}: matrix must be a mapping of names to lists of values</source>
        <translation>{source}: matrix는 이름과 값 목록의 매핑이어야 합니다</translation>
    </message>
    <message>
        <source>{source}: csv must be the path of a CSV file, relative to the job set</source>
        <translation>{source}: csv는 작업 세트 기준 상대 경로의 CSV 파일이어야 합니다</translation>
    </message>
    <message>
        <source>{source}: template must be a job (name, model, inputs)</source>
        <translation>{source}: template은 작업(name, model, inputs)이어야 합니다</translation>
    </message>
    <message>
        <source>{source}: draft must be true or false</source>
        <translation>{source}: draft는 true 또는 false여야 합니다</translation>
    </message>
    <message>
        <source>{source}: csv and matrix fill a template; add a template job</source>
        <translation>{source}: csv와 matrix는 템플릿을 채웁니다. template 작업을 추가하세요</translation>
    </message>
    <message>
        <source>the CSV file {path} does not exist</source>
        <translation>CSV 파일 {path}이(가) 없습니다</translation>
    </message>
    <message>
        <source>{name} is not UTF-8 text; save it as &apos;CSV UTF-8&apos; and try again</source>
        <translation>{name}은(는) UTF-8 텍스트가 아닙니다. &apos;CSV UTF-8&apos;로 저장한 뒤 다시 시도하세요</translation>
    </message>
    <message>
        <source>{name} has no header row naming its columns</source>
        <translation>{name}에 열 이름이 있는 머리글 행이 없습니다</translation>
    </message>
    <message>
        <source>{name} line {number}: more cells than the header has columns</source>
        <translation>{name} {number}행: 셀이 머리글의 열보다 많습니다</translation>
    </message>
    <message>
        <source>{where}: {exc} (write {{{{ and }}}} for literal braces)</source>
        <translation>{where}: {exc} (중괄호 자체를 쓰려면 {{{{와 }}}}를 쓰세요)</translation>
    </message>
    <message>
        <source>{where}: placeholder {{{name}}} is not a variable, CSV column or matrix key (known: {known})</source>
        <translation>{where}: 자리표시자 {{{name}}}은(는) 변수, CSV 열, matrix 키 중 어느 것도 아닙니다(사용 가능: {known})</translation>
    </message>
    <message>
        <source>matrix.{key} must be a non-empty list of values</source>
        <translation>matrix.{key}은(는) 비어 있지 않은 값 목록이어야 합니다</translation>
    </message>
    <message>
        <source>the template expands to {total:,} jobs; the limit is {MAX_EXPANDED_JOBS:,}</source>
        <translation>템플릿을 펼치면 작업이 {total:,}개입니다. 한도는 {MAX_EXPANDED_JOBS:,}개입니다</translation>
    </message>
    <message>
        <source>template must be a job: name, model, inputs</source>
        <translation>template은 작업(name, model, inputs)이어야 합니다</translation>
    </message>
    <message>
        <source>model {model} is retired: Sora 2 is no longer offered by Atlas Cloud; use google/veo3.1/text-to-video or bytedance/seedance-v1.5-pro/text-to-video instead</source>
        <translation>모델 {model}은(는) 종료되었습니다. Atlas Cloud는 더 이상 Sora 2를 제공하지 않습니다. 대신 google/veo3.1/text-to-video 또는 bytedance/seedance-v1.5-pro/text-to-video를 쓰세요</translation>
    </message>
    <message>
        <source>model {model} is called {candidate} on Atlas Cloud; using {candidate}</source>
        <translation>모델 {model}은(는) Atlas Cloud에서 {candidate}(이)라고 부릅니다. {candidate}을(를) 사용합니다</translation>
    </message>
    <message>
        <source>{source}: read as a tutorial-style job list and translated to the Atlas Cloud protocol</source>
        <translation>{source}: 튜토리얼 형식의 작업 목록으로 읽고 Atlas Cloud 프로토콜로 변환했습니다</translation>
    </message>
    <message>
        <source>{source}: jobs[{index}] must be a mapping</source>
        <translation>{source}: jobs[{index}]은(는) 매핑이어야 합니다</translation>
    </message>
    <message>
        <source>{where}: type must be image or video, not {item}</source>
        <translation>{where}: type은 image 또는 video여야 합니다({item}이(가) 아님)</translation>
    </message>
    <message>
        <source>{where}: model is required</source>
        <translation>{where}: model은 필수입니다</translation>
    </message>
    <message>
        <source>{where}: type is {kind} but {model_id} makes {made}s</source>
        <translation>{where}: type은 {kind}인데 {model_id}은(는) {made}을(를) 만듭니다</translation>
    </message>
    <message>
        <source>resolution 1080p is not offered by Seedance; use {best}, the highest it renders</source>
        <translation>Seedance는 1080p 해상도를 제공하지 않습니다. 가장 높은 {best}을(를) 쓰세요</translation>
    </message>
    <message>
        <source>width and height must both be whole numbers of pixels</source>
        <translation>width와 height는 모두 픽셀 단위 정수여야 합니다</translation>
    </message>
    <message>
        <source>{where}: width {width} and height {height} became size {width}*{height}</source>
        <translation>{where}: width {width}와 height {height}를 size {width}*{height}(으)로 바꿨습니다</translation>
    </message>
    <message>
        <source>{where}: {model_id} takes an aspect ratio, not pixels; {width}x{height} became aspect_ratio {inputs}</source>
        <translation>{where}: {model_id}은(는) 픽셀이 아니라 화면 비율을 받습니다. {width}x{height}를 aspect_ratio {inputs}(으)로 바꿨습니다</translation>
    </message>
    <message>
        <source>{where}: {model_id} has no size input; width and height were dropped</source>
        <translation>{where}: {model_id}에는 size 입력이 없어 width와 height를 뺐습니다</translation>
    </message>
    <message>
        <source>{source}: prompts_as_written must map job names to the prompts as written</source>
        <translation>{source}: prompts_as_written은 작업 이름과 원래 작성한 프롬프트의 매핑이어야 합니다</translation>
    </message>
</context>
<context>
    <name>JobTableModel</name>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>진행률</translation>
    </message>
    <message>
        <source>Elapsed</source>
        <translation>경과</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>비용</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>준비됨</translation>
    </message>
    <message>
        <source>invalid</source>
        <translation>잘못됨</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>대기 중</translation>
    </message>
    <message>
        <source>submitting</source>
        <translation>제출 중</translation>
    </message>
    <message>
        <source>submitted</source>
        <translation>제출됨</translation>
    </message>
    <message>
        <source>running</source>
        <translation>실행 중</translation>
    </message>
    <message>
        <source>downloading</source>
        <translation>내려받는 중</translation>
    </message>
    <message>
        <source>done</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <source>needs attention</source>
        <translation>확인 필요</translation>
    </message>
    <message>
        <source>{state} (retrying…)</source>
        <translation>{state} (재시도 중…)</translation>
    </message>
    <message>
        <source>held back: not submitted until released</source>
        <translation>보류됨: 보류를 풀 때까지 제출하지 않습니다</translation>
    </message>
</context>
<context>
    <name>JsonEditor</name>
    <message>
        <source>JSON, for example {example}</source>
        <translation>JSON, 예: {example}</translation>
    </message>
    <message>
        <source>Not valid JSON (line {line}, column {column}): text goes in double quotes.</source>
        <translation>올바른 JSON이 아닙니다({line}행 {column}열). 텍스트는 큰따옴표로 감싸야 합니다.</translation>
    </message>
</context>
<context>
    <name>LargePreview</name>
    <message>
        <source>Preview</source>
        <translation>미리 보기</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Batch Studio</source>
        <translation>Batch Studio</translation>
    </message>
    <message>
        <source>New</source>
        <translation>새로 만들기</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>열기…</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>저장</translation>
    </message>
    <message>
        <source>Save As…</source>
        <translation>다른 이름으로 저장…</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>가져오기…</translation>
    </message>
    <message>
        <source>Add the jobs of a YAML, JSON or CSV file</source>
        <translation>YAML, JSON 또는 CSV 파일의 작업을 추가합니다</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>내보내기…</translation>
    </message>
    <message>
        <source>Write the jobs to another file</source>
        <translation>작업을 다른 파일로 저장합니다</translation>
    </message>
    <message>
        <source>Add image</source>
        <translation>이미지 추가</translation>
    </message>
    <message>
        <source>Add video</source>
        <translation>동영상 추가</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>복제</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>삭제</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>실행</translation>
    </message>
    <message>
        <source>Run every job that has not finished</source>
        <translation>끝나지 않은 모든 작업을 실행합니다</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>일시 정지</translation>
    </message>
    <message>
        <source>Submit nothing new; jobs in flight finish. Run resumes.</source>
        <translation>새 작업은 제출하지 않고, 진행 중인 작업은 끝까지 진행합니다. 실행을 누르면 이어서 진행합니다.</translation>
    </message>
    <message>
        <source>Cancel all</source>
        <translation>모두 취소</translation>
    </message>
    <message>
        <source>Cancel job</source>
        <translation>작업 취소</translation>
    </message>
    <message>
        <source>Retry failed</source>
        <translation>실패한 작업 다시 시도</translation>
    </message>
    <message>
        <source>Output folder…</source>
        <translation>출력 폴더…</translation>
    </message>
    <message>
        <source>Where outputs and the manifest go</source>
        <translation>결과물과 매니페스트를 저장할 위치</translation>
    </message>
    <message>
        <source>Open output folder</source>
        <translation>출력 폴더 열기</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>폴더에서 보기</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>설정…</translation>
    </message>
    <message>
        <source>Reopen batch folder…</source>
        <translation>배치 폴더 다시 열기…</translation>
    </message>
    <message>
        <source>Continue a batch after closing the app or a crash: nothing is paid twice</source>
        <translation>앱을 닫았거나 비정상 종료된 뒤 배치를 이어서 진행합니다. 두 번 결제되는 일은 없습니다</translation>
    </message>
    <message>
        <source>Hold back</source>
        <translation>보류</translation>
    </message>
    <message>
        <source>Do not submit the selected jobs until released</source>
        <translation>보류를 풀 때까지 선택한 작업을 제출하지 않습니다</translation>
    </message>
    <message>
        <source>Release</source>
        <translation>보류 해제</translation>
    </message>
    <message>
        <source>Move to top</source>
        <translation>맨 위로 이동</translation>
    </message>
    <message>
        <source>Move to bottom</source>
        <translation>맨 아래로 이동</translation>
    </message>
    <message>
        <source>Check again</source>
        <translation>다시 확인</translation>
    </message>
    <message>
        <source>Poll a job that needs attention again; Run follows it</source>
        <translation>확인이 필요한 작업의 상태를 다시 조회합니다. 실행하면 이어서 추적합니다</translation>
    </message>
    <message>
        <source>Resubmit…</source>
        <translation>다시 제출…</translation>
    </message>
    <message>
        <source>Submit a job whose first submit had an unknown outcome (a new charge)</source>
        <translation>첫 제출 결과를 알 수 없는 작업을 다시 제출합니다(새로 과금됩니다)</translation>
    </message>
    <message>
        <source>Make a video from this</source>
        <translation>이 이미지로 동영상 만들기</translation>
    </message>
    <message>
        <source>Add an image-to-video job that starts from the selected image</source>
        <translation>선택한 이미지에서 시작하는 이미지-동영상 작업을 추가합니다</translation>
    </message>
    <message>
        <source>Drop</source>
        <translation>버리기</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>종료</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>예산</translation>
    </message>
    <message>
        <source>Set the most this batch may spend</source>
        <translation>이 배치에서 쓸 수 있는 최대 금액을 정합니다</translation>
    </message>
    <message>
        <source>Choose model…</source>
        <translation>모델 고르기…</translation>
    </message>
    <message>
        <source>Browse the catalog&apos;s models for the selected jobs</source>
        <translation>선택한 작업에 쓸 모델을 카탈로그에서 찾아봅니다</translation>
    </message>
    <message>
        <source>Refresh catalog</source>
        <translation>카탈로그 새로 고침</translation>
    </message>
    <message>
        <source>Fetch the live model list from Atlas Cloud now</source>
        <translation>지금 Atlas Cloud에서 실시간 모델 목록을 가져옵니다</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>편집(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Jobs</source>
        <translation>작업(&amp;J)</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>실행(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Models</source>
        <translation>모델(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>설정(&amp;S)</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>기본</translation>
    </message>
    <message>
        <source>  &amp;Budget </source>
        <translation>  예산(&amp;B) </translation>
    </message>
    <message>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>Run asks (or refuses, see Settings) when the total is above this; the batch never submits a job that would cross it. ({shortcut})</source>
        <translation>합계가 이 금액을 넘으면 실행 전에 묻거나(설정에 따라) 거부합니다. 배치는 이 금액을 넘게 만드는 작업을 제출하지 않습니다. ({shortcut})</translation>
    </message>
    <message>
        <source> DEMO: simulated, nothing billed </source>
        <translation> 데모: 시뮬레이션, 과금 없음 </translation>
    </message>
    <message>
        <source> LIVE: Atlas Cloud </source>
        <translation> 실제: Atlas Cloud </translation>
    </message>
    <message>
        <source>Live prices unavailable ({reason}); showing estimates.</source>
        <translation>실시간 가격을 가져올 수 없어({reason}) 추정치를 표시합니다.</translation>
    </message>
    <message>
        <source>{name}: no output yet.</source>
        <translation>{name}: 아직 결과물이 없습니다.</translation>
    </message>
    <message>
        <source>Move jobs</source>
        <translation>작업 이동</translation>
    </message>
    <message>
        <source>Edit jobs</source>
        <translation>작업 편집</translation>
    </message>
    <message>
        <source>Rename job</source>
        <translation>작업 이름 변경</translation>
    </message>
    <message>
        <source>Change subfolder</source>
        <translation>하위 폴더 변경</translation>
    </message>
    <message>
        <source>Edit {field}</source>
        <translation>{field} 편집</translation>
    </message>
    <message>
        <source>Change model</source>
        <translation>모델 변경</translation>
    </message>
    <message>
        <source>Add image job</source>
        <translation>이미지 작업 추가</translation>
    </message>
    <message>
        <source>Add video job</source>
        <translation>동영상 작업 추가</translation>
    </message>
    <message>
        <source>Make a video</source>
        <translation>동영상 만들기</translation>
    </message>
    <message>
        <source>Duplicate jobs</source>
        <translation>작업 복제</translation>
    </message>
    <message>
        <source>Move jobs to the top</source>
        <translation>작업을 맨 위로 이동</translation>
    </message>
    <message>
        <source>Move jobs to the bottom</source>
        <translation>작업을 맨 아래로 이동</translation>
    </message>
    <message>
        <source>Delete jobs</source>
        <translation>작업 삭제</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>저장하지 않은 변경 사항</translation>
    </message>
    <message>
        <source>Discard the changes to the current job list?</source>
        <translation>현재 작업 목록의 변경 사항을 버릴까요?</translation>
    </message>
    <message>
        <source>Open job set</source>
        <translation>작업 세트 열기</translation>
    </message>
    <message>
        <source>Import jobs</source>
        <translation>작업 가져오기</translation>
    </message>
    <message numerus="yes">
        <source>Loading the inputs of %n model(s) used by {file}…</source>
        <translation>
            <numerusform>{file}에서 쓰는 모델 %n개의 입력을 불러오는 중…</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot open job set</source>
        <translation>작업 세트를 열 수 없습니다</translation>
    </message>
    <message>
        <source>{file} was not loaded; your list is unchanged.</source>
        <translation>{file} 파일을 불러오지 않았습니다. 목록은 그대로입니다.</translation>
    </message>
    <message>
        <source>Import {file}</source>
        <translation>{file} 가져오기</translation>
    </message>
    <message>
        <source>Expand the template</source>
        <translation>템플릿 펼치기</translation>
    </message>
    <message numerus="yes">
        <source>{file} has a template that makes %n job(s) ({total} in all), about {amount} (estimate). Add them to the list?</source>
        <translation>
            <numerusform>{file}의 템플릿은 작업 %n개를 만듭니다(모두 {total}개, 약 {amount}, 추정). 목록에 추가할까요?</numerusform>
        </translation>
    </message>
    <message>
        <source>Save job set</source>
        <translation>작업 세트 저장</translation>
    </message>
    <message>
        <source>Export jobs</source>
        <translation>작업 내보내기</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>저장하지 못했습니다</translation>
    </message>
    <message>
        <source>{path} could not be written: {reason}.</source>
        <translation>{path}에 쓸 수 없습니다: {reason}.</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>{path}에 저장했습니다</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>출력 폴더</translation>
    </message>
    <message>
        <source>Unfinished batch in this folder</source>
        <translation>이 폴더에 끝나지 않은 배치가 있습니다</translation>
    </message>
    <message>
        <source>{folder} holds a batch that has not finished. Reopen it to continue (nothing is paid twice)? Choose No to pick another folder.</source>
        <translation>{folder}에 끝나지 않은 배치가 있습니다. 다시 열어서 이어서 진행할까요(두 번 결제되지 않습니다)? 다른 폴더를 고르려면 아니요를 누르세요.</translation>
    </message>
    <message>
        <source>Nothing to run</source>
        <translation>실행할 작업이 없습니다</translation>
    </message>
    <message>
        <source>Every job has already run. Add or duplicate jobs, or use Retry failed.</source>
        <translation>모든 작업이 이미 실행되었습니다. 작업을 추가하거나 복제하거나, 실패한 작업 다시 시도를 사용하세요.</translation>
    </message>
    <message numerus="yes">
        <source>The inputs of %n job(s) are still loading; press Run again in a moment.</source>
        <translation>
            <numerusform>작업 %n개의 입력을 아직 불러오는 중입니다. 잠시 후 다시 실행을 누르세요.</numerusform>
        </translation>
    </message>
    <message>
        <source>row {row} &quot;{name}&quot;: {problem}</source>
        <translation>{row}행 &quot;{name}&quot;: {problem}</translation>
    </message>
    <message>
        <source>Fix these jobs first</source>
        <translation>먼저 이 작업들을 고치세요</translation>
    </message>
    <message>
        <source>Nothing was submitted: some jobs are not valid.</source>
        <translation>아무것도 제출하지 않았습니다: 올바르지 않은 작업이 있습니다.</translation>
    </message>
    <message>
        <source>Over budget</source>
        <translation>예산 초과</translation>
    </message>
    <message>
        <source>These jobs cost about {total}, above the budget of {budget}. Raise the budget or remove jobs.</source>
        <translation>이 작업들의 비용은 약 {total}로 예산 {budget}을(를) 넘습니다. 예산을 늘리거나 작업을 빼세요.</translation>
    </message>
    <message>
        <source>These jobs cost about {total}, above the budget of {budget}. Run anyway? Jobs stop being submitted before one would cross the budget.</source>
        <translation>이 작업들의 비용은 약 {total}로 예산 {budget}을(를) 넘습니다. 그래도 실행할까요? 예산을 넘게 만드는 작업부터는 제출하지 않습니다.</translation>
    </message>
    <message>
        <source>Run on Atlas Cloud</source>
        <translation>Atlas Cloud에서 실행</translation>
    </message>
    <message numerus="yes">
        <source>Submit %n job(s) to Atlas Cloud for about {total}? Billing happens at submit.</source>
        <translation>
            <numerusform>작업 %n개를 약 {total}에 Atlas Cloud로 제출할까요? 과금은 제출할 때 이루어집니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>Celery workers</source>
        <translation>Celery 워커</translation>
    </message>
    <message>
        <source>Reopen batch folder</source>
        <translation>배치 폴더 다시 열기</translation>
    </message>
    <message>
        <source>No batch here</source>
        <translation>배치가 없습니다</translation>
    </message>
    <message>
        <source>{folder} holds no Batch Studio batch.</source>
        <translation>{folder}에는 Batch Studio 배치가 없습니다.</translation>
    </message>
    <message numerus="yes">
        <source>Reopened %n job(s) from {folder}.</source>
        <translation>
            <numerusform>{folder}에서 작업 %n개를 다시 열었습니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>Submitted jobs are being checked; press Run to continue the queue.</source>
        <translation>제출된 작업을 확인하고 있습니다. 대기열을 이어서 진행하려면 실행을 누르세요.</translation>
    </message>
    <message>
        <source>Every job has finished.</source>
        <translation>모든 작업이 끝났습니다.</translation>
    </message>
    <message>
        <source>Resubmit</source>
        <translation>다시 제출</translation>
    </message>
    <message numerus="yes">
        <source>Resubmit %n job(s) for about {total}? If Atlas Cloud did create the earlier attempt, it was charged too.</source>
        <translation>
            <numerusform>작업 %n개를 약 {total}에 다시 제출할까요? Atlas Cloud가 이전 시도를 실제로 만들었다면 그것도 과금되었습니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>throttled: {reason}</source>
        <translation>속도 제한: {reason}</translation>
    </message>
    <message>
        <source>API key rejected</source>
        <translation>API 키가 거부되었습니다</translation>
    </message>
    <message>
        <source>The batch stopped. Enter a valid key, then Run again: jobs that were not submitted are still queued.</source>
        <translation>배치가 멈췄습니다. 올바른 키를 입력한 뒤 다시 실행하세요. 제출되지 않은 작업은 그대로 대기 중입니다.</translation>
    </message>
    <message>
        <source>Insufficient balance</source>
        <translation>잔액 부족</translation>
    </message>
    <message>
        <source>The batch is paused: nothing new is submitted. {balance} Top up, then press Run to continue.</source>
        <translation>배치가 일시 정지되었습니다. 새 작업은 제출하지 않습니다. {balance} 충전한 뒤 실행을 눌러 이어서 진행하세요.</translation>
    </message>
    <message>
        <source>Batch finished</source>
        <translation>배치 완료</translation>
    </message>
    <message>
        <source>Batch paused</source>
        <translation>배치 일시 정지</translation>
    </message>
    <message>
        <source>Batch stopped</source>
        <translation>배치 중지</translation>
    </message>
    <message>
        <source>{done} done, {failed} failed, {spent} spent. {reason}.</source>
        <translation>완료 {done}, 실패 {failed}, 사용 금액 {spent}. {reason}.</translation>
    </message>
    <message>
        <source>Outputs and manifest.json are in {folder}.</source>
        <translation>결과물과 manifest.json은 {folder}에 있습니다.</translation>
    </message>
    <message>
        <source>Fetching the model list…</source>
        <translation>모델 목록을 가져오는 중…</translation>
    </message>
    <message>
        <source>Demo mode uses the simulator&apos;s models; there is nothing to refresh.</source>
        <translation>데모 모드는 시뮬레이터의 모델을 사용하므로 새로 고칠 것이 없습니다.</translation>
    </message>
    <message>
        <source>Model list: {source}.</source>
        <translation>모델 목록: {source}.</translation>
    </message>
    <message>
        <source>Settings saved</source>
        <translation>설정을 저장했습니다</translation>
    </message>
    <message>
        <source>Restart Batch Studio to switch between Demo and Live mode.</source>
        <translation>데모 모드와 실제 모드를 바꾸려면 Batch Studio를 다시 시작하세요.</translation>
    </message>
    <message>
        <source>The new language applies when Batch Studio starts again.</source>
        <translation>새 언어는 Batch Studio를 다시 시작하면 적용됩니다.</translation>
    </message>
    <message>
        <source>Demo balance {amount}.</source>
        <translation>데모 잔액 {amount}.</translation>
    </message>
    <message>
        <source>Balance {amount}.</source>
        <translation>잔액 {amount}.</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation>제목 없음</translation>
    </message>
    <message>
        <source>{done}/{total} done · {spent} — </source>
        <translation>{done}/{total} 완료 · {spent} — </translation>
    </message>
    <message>
        <source>Demo</source>
        <translation>데모</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>실제</translation>
    </message>
    <message>
        <source>Undo {change}</source>
        <translation>실행 취소: {change}</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>실행 취소</translation>
    </message>
    <message>
        <source>Redo {change}</source>
        <translation>다시 실행: {change}</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>다시 실행</translation>
    </message>
    <message numerus="yes">
        <source>%n job(s)</source>
        <translation>
            <numerusform>작업 %n개</numerusform>
        </translation>
    </message>
    <message>
        <source>done {done} · failed {failed}</source>
        <translation>완료 {done} · 실패 {failed}</translation>
    </message>
    <message>
        <source>total {cost}</source>
        <translation>합계 {cost}</translation>
    </message>
    <message>
        <source>spent {amount}</source>
        <translation>사용 {amount}</translation>
    </message>
    <message>
        <source>stage {stage}: {amount}</source>
        <translation>{stage}단계: {amount}</translation>
    </message>
    <message>
        <source>Output folder: {folder}</source>
        <translation>출력 폴더: {folder}</translation>
    </message>
    <message>
        <source>A batch is running</source>
        <translation>배치가 실행 중입니다</translation>
    </message>
    <message>
        <source>Close Batch Studio? Jobs already submitted keep running on Atlas Cloud; reopen this output folder (File › Reopen batch folder) to download them and continue the queue. Nothing is paid twice.</source>
        <translation>Batch Studio를 닫을까요? 이미 제출된 작업은 Atlas Cloud에서 계속 실행됩니다. 이 출력 폴더를 다시 열면(파일 › 배치 폴더 다시 열기) 결과물을 내려받고 대기열을 이어서 진행합니다. 두 번 결제되는 일은 없습니다.</translation>
    </message>
    <message>
        <source>Open recipe…</source>
        <translation>레시피 열기…</translation>
    </message>
    <message>
        <source>Get the jobs back from outputs, their recipe files or a picks.csv</source>
        <translation>결과물, 레시피 파일 또는 picks.csv에서 작업을 되살립니다</translation>
    </message>
    <message>
        <source>Recover from Atlas…</source>
        <translation>Atlas에서 복구…</translation>
    </message>
    <message>
        <source>Download generations of this key from Atlas&apos;s history</source>
        <translation>Atlas 기록에서 이 키로 만든 생성물을 내려받습니다</translation>
    </message>
</context>
<context>
    <name>MediaListEditor</name>
    <message>
        <source>https://… then Add URL</source>
        <translation>https://… 입력 후 URL 추가</translation>
    </message>
    <message>
        <source>Add URL</source>
        <translation>URL 추가</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>파일 추가…</translation>
    </message>
    <message>
        <source>Up</source>
        <translation>위로</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>아래로</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>제거</translation>
    </message>
    <message>
        <source>Choose files</source>
        <translation>파일 고르기</translation>
    </message>
    <message>
        <source>This input takes at most {count}.</source>
        <translation>이 입력은 최대 {count}개까지 받습니다.</translation>
    </message>
    <message>
        <source>{count} not added: this input takes at most {limit}.</source>
        <translation>{count}개를 추가하지 않았습니다. 이 입력은 최대 {limit}개까지 받습니다.</translation>
    </message>
    <message>
        <source>Needs at least {minimum} (now {count}).</source>
        <translation>최소 {minimum}개가 필요합니다(현재 {count}개).</translation>
    </message>
</context>
<context>
    <name>MediaPicker</name>
    <message>
        <source>Choose a file</source>
        <translation>파일 고르기</translation>
    </message>
</context>
<context>
    <name>ModelBrowser</name>
    <message>
        <source>Text to image</source>
        <translation>텍스트-이미지</translation>
    </message>
    <message>
        <source>Image editing</source>
        <translation>이미지 편집</translation>
    </message>
    <message>
        <source>Image to image</source>
        <translation>이미지-이미지</translation>
    </message>
    <message>
        <source>Text to video</source>
        <translation>텍스트-동영상</translation>
    </message>
    <message>
        <source>Image to video</source>
        <translation>이미지-동영상</translation>
    </message>
    <message>
        <source>Reference to video</source>
        <translation>참조-동영상</translation>
    </message>
    <message>
        <source>Video to video</source>
        <translation>동영상-동영상</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>기타</translation>
    </message>
    <message>
        <source>Choose a model</source>
        <translation>모델 고르기</translation>
    </message>
    <message>
        <source>Search by name, id, provider or category…</source>
        <translation>이름, ID, 제공자, 카테고리로 검색…</translation>
    </message>
    <message>
        <source>All providers</source>
        <translation>모든 제공자</translation>
    </message>
</context>
<context>
    <name>ModelItems</name>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Catalog price</source>
        <translation>카탈로그 가격</translation>
    </message>
    <message>
        <source>The price the catalog lists for the model; its unit differs between models. The jobs table shows each job&apos;s estimate or quote.</source>
        <translation>카탈로그에 나온 모델 가격입니다. 단위는 모델마다 다릅니다. 작업 표에는 작업마다 추정치나 견적이 표시됩니다.</translation>
    </message>
    <message>
        <source>Recently used</source>
        <translation>최근 사용</translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <source>{name}  ·  {id}</source>
        <translation>{name}  ·  {id}</translation>
    </message>
    <message>
        <source>{id} (not in the catalog)</source>
        <translation>{id} (카탈로그에 없음)</translation>
    </message>
    <message>
        <source>Choose a model…</source>
        <translation>모델 고르기…</translation>
    </message>
    <message>
        <source>Choose among {count} models ({source})</source>
        <translation>모델 {count}개 중에서 고릅니다({source})</translation>
    </message>
</context>
<context>
    <name>ObjectTableEditor</name>
    <message>
        <source>Add row</source>
        <translation>행 추가</translation>
    </message>
    <message>
        <source>Remove row</source>
        <translation>행 제거</translation>
    </message>
    <message>
        <source>a whole number</source>
        <translation>정수</translation>
    </message>
    <message>
        <source>a number</source>
        <translation>숫자</translation>
    </message>
    <message>
        <source>row {row}, {name}: {text} is not {wanted}</source>
        <translation>{row}행, {name}: {text}은(는) {wanted}이(가) 아닙니다</translation>
    </message>
    <message>
        <source>Kept as written, which a table cannot show: {value}. Adding a row replaces it.</source>
        <translation>표로 보여 줄 수 없어 적힌 그대로 둡니다: {value}. 행을 추가하면 이 값을 대체합니다.</translation>
    </message>
    <message>
        <source>Needs at least {minimum} rows (now {count}).</source>
        <translation>최소 {minimum}행이 필요합니다(현재 {count}행).</translation>
    </message>
</context>
<context>
    <name>OutputStrip</name>
    <message>
        <source>Previous output</source>
        <translation>이전 결과물</translation>
    </message>
    <message>
        <source>Next output</source>
        <translation>다음 결과물</translation>
    </message>
    <message>
        <source>{number} of {count}</source>
        <translation>{number} / {count}</translation>
    </message>
</context>
<context>
    <name>PreviewPane</name>
    <message>
        <source>Select a finished job to preview it.</source>
        <translation>미리 보려면 완료된 작업을 선택하세요.</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>열기</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>폴더에서 보기</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>불러오는 중…</translation>
    </message>
    <message>
        <source>This picture cannot be shown: {problem}</source>
        <translation>이 그림을 표시할 수 없습니다: {problem}</translation>
    </message>
</context>
<context>
    <name>Promote</name>
    <message>
        <source>the batch has no job named {names}</source>
        <translation>배치에 {names}라는 이름의 작업이 없습니다</translation>
    </message>
    <message>
        <source>&quot;{name}&quot;: its final model {model} is not in the catalog</source>
        <translation>&quot;{name}&quot;: 최종 모델 {model}이(가) 카탈로그에 없습니다</translation>
    </message>
    <message>
        <source>&quot;{name}&quot; already ran on its final tier ({model})</source>
        <translation>&quot;{name}&quot;은(는) 이미 최종 등급({model})으로 실행되었습니다</translation>
    </message>
    <message>
        <source>final</source>
        <translation>최종본</translation>
    </message>
    <message>
        <source>&quot;{name}&quot; has no output file to keep the composition of</source>
        <translation>&quot;{name}&quot;에는 구도를 유지할 결과물 파일이 없습니다</translation>
    </message>
    <message>
        <source>&quot;{name}&quot;: the family of {model} offers no image-to-image, edit or image-to-video model, so the final starts from the prompt and seed only</source>
        <translation>&quot;{name}&quot;: {model} 계열에는 이미지-이미지, 편집, 이미지-동영상 모델이 없어 최종본은 프롬프트와 시드로만 만듭니다</translation>
    </message>
</context>
<context>
    <name>Promoter</name>
    <message>
        <source>Promote picks to final…</source>
        <translation>고른 결과물을 최종본으로…</translation>
    </message>
    <message>
        <source>Render the picked drafts again on the final tier of their model, prompt, seed and inputs kept; shows the cost first ({key})</source>
        <translation>고른 초안을 모델의 최종 등급으로 다시 만듭니다. 프롬프트, 시드, 입력은 그대로이며 비용을 먼저 보여 줍니다 ({key})</translation>
    </message>
    <message>
        <source>Keep this composition</source>
        <translation>이 구도 유지</translation>
    </message>
    <message>
        <source>Start each final from its draft&apos;s picture, where the model family has an image-to-image, edit or image-to-video model</source>
        <translation>모델 계열에 이미지-이미지, 편집, 이미지-동영상 모델이 있으면 각 최종본을 초안의 그림에서 시작합니다</translation>
    </message>
    <message>
        <source>Promote picks to final</source>
        <translation>고른 결과물을 최종본으로</translation>
    </message>
    <message>
        <source>Shift+P promote picks to final</source>
        <translation>Shift+P 고른 결과물을 최종본으로</translation>
    </message>
    <message>
        <source>Promote</source>
        <translation>최종본으로 올리기</translation>
    </message>
    <message>
        <source>{folder} has only a manifest.json and no job store, so finals cannot join its batch.</source>
        <translation>{folder}에는 manifest.json만 있고 작업 저장소가 없어 최종본을 배치에 추가할 수 없습니다.</translation>
    </message>
    <message>
        <source>Pick the drafts to promote first: select them and press P.</source>
        <translation>먼저 올릴 초안을 고르세요: 선택한 뒤 P를 누르세요.</translation>
    </message>
    <message>
        <source>Nothing to promote.</source>
        <translation>최종본으로 올릴 것이 없습니다.</translation>
    </message>
    <message numerus="yes">
        <source>Pricing %n final(s)…</source>
        <translation>
            <numerusform>최종본 %n개 가격 계산 중…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Render %n final(s) for {total}? Each is linked to its draft and runs now.</source>
        <translation>
            <numerusform>최종본 %n개를 {total}에 만들까요? 각각 초안과 연결되며 지금 실행됩니다.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n final(s) queued beside their drafts.</source>
        <translation>
            <numerusform>최종본 %n개를 초안 옆에 대기열에 넣었습니다.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PromptAssistPanel</name>
    <message>
        <source>Prompt help (Atlas LLM)</source>
        <translation>프롬프트 도우미 (Atlas LLM)</translation>
    </message>
    <message>
        <source>The catalog&apos;s Text models; a cheap one is chosen unless you pick another</source>
        <translation>카탈로그의 텍스트 모델입니다. 다른 모델을 고르지 않으면 저렴한 모델이 선택됩니다</translation>
    </message>
    <message>
        <source>Translate to English</source>
        <translation>영어로 번역</translation>
    </message>
    <message>
        <source>Korean, Japanese or Chinese prompts of the selected jobs into English; the originals are kept</source>
        <translation>선택한 작업의 한국어·일본어·중국어 프롬프트를 영어로 옮깁니다. 원문은 보관됩니다</translation>
    </message>
    <message>
        <source>Improve</source>
        <translation>다듬기</translation>
    </message>
    <message>
        <source>Richer prompts: camera and motion for video, composition and light for images</source>
        <translation>더 풍부한 프롬프트: 영상은 카메라와 움직임, 이미지는 구도와 빛</translation>
    </message>
    <message>
        <source>Variations</source>
        <translation>변형</translation>
    </message>
    <message>
        <source>How many new rows the variations make</source>
        <translation>변형으로 만들 새 행의 수</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>The LLM&apos;s reply appears here as it arrives.</source>
        <translation>LLM의 답이 도착하는 대로 여기에 표시됩니다.</translation>
    </message>
    <message>
        <source>LLM</source>
        <translation>LLM</translation>
    </message>
    <message>
        <source>Reading the catalog&apos;s LLMs…</source>
        <translation>카탈로그의 LLM을 읽는 중…</translation>
    </message>
    <message>
        <source>The catalog lists no priced LLM, so prompt help is unavailable.</source>
        <translation>카탈로그에 가격이 있는 LLM이 없어 프롬프트 도우미를 쓸 수 없습니다.</translation>
    </message>
    <message>
        <source>Prompt help is unavailable: the LLM list could not be read ({reason}).</source>
        <translation>프롬프트 도우미를 쓸 수 없습니다: LLM 목록을 읽지 못했습니다 ({reason}).</translation>
    </message>
    <message>
        <source>No Korean, Japanese or Chinese prompt among the selected jobs.</source>
        <translation>선택한 작업 중 한국어·일본어·중국어 프롬프트가 없습니다.</translation>
    </message>
    <message>
        <source>The selected jobs have no prompt.</source>
        <translation>선택한 작업에 프롬프트가 없습니다.</translation>
    </message>
    <message>
        <source>Ask {model} for {count} variations of &quot;{name}&quot;? The call costs at most ${llm:.4f}; the {count} new rows would cost about {each} each to generate.</source>
        <translation>{model}에 &quot;{name}&quot;의 변형 {count}개를 요청할까요? 호출 비용은 최대 ${llm:.4f}이고, 새 행 {count}개는 생성에 각각 약 {each}가 듭니다.</translation>
    </message>
    <message numerus="yes">
        <source>Asking {model} about %n prompt(s), at most ${cost:.4f}…</source>
        <translation>
            <numerusform>{model}에 프롬프트 %n개를 요청하는 중, 최대 ${cost:.4f}…</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelling; nothing more is changed.</source>
        <translation>취소하는 중입니다. 더 이상 바뀌는 것은 없습니다.</translation>
    </message>
    <message>
        <source>Translate prompt</source>
        <translation>프롬프트 번역</translation>
    </message>
    <message>
        <source>Improve prompt</source>
        <translation>프롬프트 다듬기</translation>
    </message>
    <message numerus="yes">
        <source>Add %n variation(s)</source>
        <translation>
            <numerusform>변형 %n개 추가</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelled; what had arrived was not used.</source>
        <translation>취소했습니다. 도착한 내용은 사용하지 않았습니다.</translation>
    </message>
    <message>
        <source>Done. Prompt help spent ${spent:.6f} in this session (counted in today&apos;s spend).</source>
        <translation>완료. 이번 세션에서 프롬프트 도우미가 ${spent:.6f}를 썼습니다 (오늘 지출에 포함).</translation>
    </message>
    <message>
        <source>As written{language}: {prompt}</source>
        <translation>원문{language}: {prompt}</translation>
    </message>
</context>
<context>
    <name>RecipeOpener</name>
    <message>
        <source>Outputs and recipes (*.png *.jpg *.jpeg *.webp *.mp4 *.mov *.webm *.recipe.json picks.csv);;All files (*)</source>
        <translation>결과물과 레시피 (*.png *.jpg *.jpeg *.webp *.mp4 *.mov *.webm *.recipe.json picks.csv);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>Open recipe</source>
        <translation>레시피 열기</translation>
    </message>
    <message numerus="yes">
        <source>Reading the recipes of %n file(s)…</source>
        <translation>
            <numerusform>파일 %n개의 레시피를 읽는 중…</numerusform>
        </translation>
    </message>
    <message>
        <source>The files could not be read: {reason}</source>
        <translation>파일을 읽을 수 없습니다: {reason}</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) from other tools were left out: no model was chosen</source>
        <translation>
            <numerusform>다른 도구에서 만든 파일 %n개는 빠졌습니다: 모델을 고르지 않았습니다</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Restore %n job(s)</source>
        <translation>
            <numerusform>작업 %n개 되살리기</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Restored %n job(s): same model, inputs and seed. Run them, or change them first.</source>
        <translation>
            <numerusform>작업 %n개를 되살렸습니다: 모델, 입력, 시드가 같습니다. 바로 실행하거나 먼저 바꾸세요.</numerusform>
        </translation>
    </message>
    <message>
        <source>No job was restored.</source>
        <translation>되살린 작업이 없습니다.</translation>
    </message>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… 외 %n개</numerusform>
        </translation>
    </message>
    <message>
        <source>Model for other tools&apos; files</source>
        <translation>다른 도구 파일에 쓸 모델</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) come from another tool (A1111, ComfyUI, InvokeAI, SwarmUI or Fooocus). Their prompt, negative prompt, seed and size go to a new job on the model you pick; their own model and sampler settings do not carry over (best effort).</source>
        <translation>
            <numerusform>파일 %n개는 다른 도구(A1111, ComfyUI, InvokeAI, SwarmUI, Fooocus)에서 만들어졌습니다. 프롬프트, 네거티브 프롬프트, 시드, 크기가 고른 모델의 새 작업으로 옮겨지며, 원래 모델과 샘플러 설정은 옮겨지지 않습니다(최선의 추정).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Recipes</name>
    <message>
        <source>the negative prompt</source>
        <translation>네거티브 프롬프트</translation>
    </message>
    <message>
        <source>the seed</source>
        <translation>시드</translation>
    </message>
    <message>
        <source>the size</source>
        <translation>크기</translation>
    </message>
    <message>
        <source>From {tool}, best effort: the prompt, negative prompt, seed and size go to {model}; the other tool&apos;s model ({source}) and sampler settings do not carry over.</source>
        <translation>{tool}에서 가져옴(최선의 추정): 프롬프트, 네거티브 프롬프트, 시드, 크기는 {model}(으)로 옮겨지고, 원래 도구의 모델({source})과 샘플러 설정은 옮겨지지 않습니다.</translation>
    </message>
    <message>
        <source>{model} has no place for {what}; left out</source>
        <translation>{model}에는 {what}을(를) 넣을 곳이 없어 뺐습니다</translation>
    </message>
    <message>
        <source>{file} is not a PNG, JPEG, WebP, MP4 or WebM file, so nothing can be written inside it</source>
        <translation>{file}은(는) PNG, JPEG, WebP, MP4, WebM 파일이 아니어서 안에 아무것도 쓸 수 없습니다</translation>
    </message>
    <message>
        <source>{file} could not take its metadata ({reason})</source>
        <translation>{file}에 메타데이터를 쓸 수 없었습니다({reason})</translation>
    </message>
    <message>
        <source>the PNG file has no end chunk; it may be cut short</source>
        <translation>PNG 파일에 끝 청크가 없습니다. 잘렸을 수 있습니다</translation>
    </message>
    <message>
        <source>the recipe is too long for a JPEG&apos;s XMP segment</source>
        <translation>레시피가 JPEG의 XMP 세그먼트에 넣기에는 너무 깁니다</translation>
    </message>
    <message>
        <source>the WebP file has no extended header to mark its XMP in</source>
        <translation>WebP 파일에 XMP를 표시할 확장 헤더가 없습니다</translation>
    </message>
    <message>
        <source>{file} is larger than 512 MB; its metadata was not read</source>
        <translation>{file}은(는) 512MB보다 커서 메타데이터를 읽지 않았습니다</translation>
    </message>
    <message>
        <source>{file} has a {what} of {size} MB, more than any recipe needs; it was skipped</source>
        <translation>{file}에 {size}MB짜리 {what}이(가) 있습니다. 어떤 레시피보다도 커서 건너뛰었습니다</translation>
    </message>
    <message>
        <source>{file} has a compressed text chunk that does not decompress</source>
        <translation>{file}에 압축이 풀리지 않는 텍스트 청크가 있습니다</translation>
    </message>
    <message>
        <source>compressed text chunk</source>
        <translation>압축된 텍스트 청크</translation>
    </message>
    <message>
        <source>text chunk</source>
        <translation>텍스트 청크</translation>
    </message>
    <message>
        <source>the EXIF block could not be read</source>
        <translation>EXIF 블록을 읽을 수 없었습니다</translation>
    </message>
    <message>
        <source>metadata chunk</source>
        <translation>메타데이터 청크</translation>
    </message>
    <message>
        <source>{file}: its MP4 tags could not be read ({reason})</source>
        <translation>{file}: MP4 태그를 읽을 수 없었습니다({reason})</translation>
    </message>
    <message>
        <source>tag</source>
        <translation>태그</translation>
    </message>
    <message>
        <source>{file}: its tags could not be read ({reason})</source>
        <translation>{file}: 태그를 읽을 수 없었습니다({reason})</translation>
    </message>
    <message>
        <source>the recipe was not written: {reason}</source>
        <translation>레시피를 쓰지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>files are kept exactly as downloaded (setting)</source>
        <translation>파일을 내려받은 그대로 둡니다(설정)</translation>
    </message>
    <message>
        <source>{file} carries C2PA content credentials, which any change would break</source>
        <translation>{file}에는 C2PA 콘텐츠 자격 증명이 있어 조금만 바꿔도 깨집니다</translation>
    </message>
    <message>
        <source>{file} is not a format that carries metadata we write</source>
        <translation>{file}은(는) 이 앱이 메타데이터를 쓰는 형식이 아닙니다</translation>
    </message>
    <message>
        <source>{file}: the recipe is not a Batch Studio recipe</source>
        <translation>{file}: Batch Studio 레시피가 아닙니다</translation>
    </message>
    <message>
        <source>{file}: the recipe has no valid schema_version</source>
        <translation>{file}: 레시피에 올바른 schema_version이 없습니다</translation>
    </message>
    <message>
        <source>{file}: the recipe is version {version}, written by a newer Batch Studio; this version reads up to version {supported}. Update Batch Studio to restore it.</source>
        <translation>{file}: 레시피가 버전 {version}으로, 더 새로운 Batch Studio가 썼습니다. 이 버전은 버전 {supported}까지 읽습니다. 되살리려면 Batch Studio를 업데이트하세요.</translation>
    </message>
    <message>
        <source>{file}: the recipe has no model or no inputs</source>
        <translation>{file}: 레시피에 모델이나 입력이 없습니다</translation>
    </message>
    <message>
        <source>{file}: the recipe has keys this version does not know ({keys}); they were ignored</source>
        <translation>{file}: 레시피에 이 버전이 모르는 키({keys})가 있어 무시했습니다</translation>
    </message>
    <message>
        <source>{file}: the recipe is broken ({reason}); the file itself is fine</source>
        <translation>{file}: 레시피가 깨져 있습니다({reason}). 파일 자체는 멀쩡합니다</translation>
    </message>
    <message>
        <source>{file} is too large to be a recipe</source>
        <translation>{file}은(는) 레시피라기에는 너무 큽니다</translation>
    </message>
    <message>
        <source>{file} cannot be read: {reason}</source>
        <translation>{file}을(를) 읽을 수 없습니다: {reason}</translation>
    </message>
    <message>
        <source>{file} is not an image or video this app reads (PNG, JPEG, WebP, MP4, WebM) nor a recipe or picks.csv</source>
        <translation>{file}은(는) 이 앱이 읽는 이미지나 동영상(PNG, JPEG, WebP, MP4, WebM)도, 레시피나 picks.csv도 아닙니다</translation>
    </message>
    <message>
        <source>{file} carries no recipe: it was not made by Batch Studio or another tool whose metadata we read, or its metadata was removed</source>
        <translation>{file}에는 레시피가 없습니다: Batch Studio나 이 앱이 메타데이터를 읽는 다른 도구로 만들지 않았거나, 메타데이터가 지워졌습니다</translation>
    </message>
    <message>
        <source>{file} cannot be read ({reason})</source>
        <translation>{file}을(를) 읽을 수 없습니다({reason})</translation>
    </message>
    <message>
        <source>{file} is not a picks.csv written by Batch Studio</source>
        <translation>{file}은(는) Batch Studio가 쓴 picks.csv가 아닙니다</translation>
    </message>
    <message>
        <source>{file} lists {pick}, which is not beside it</source>
        <translation>{file}에 적힌 {pick}이(가) 같은 폴더에 없습니다</translation>
    </message>
    <message>
        <source>{job}: {file} was not found beside {source}; its uploaded copy is used while its link lasts</source>
        <translation>{job}: {source} 옆에서 {file}을(를) 찾지 못해, 링크가 유효한 동안 업로드된 사본을 씁니다</translation>
    </message>
    <message>
        <source>{job}: choose {file} again for {field}; it was not found beside {source}</source>
        <translation>{job}: {source} 옆에서 {file}을(를) 찾지 못했습니다. {field}에 다시 고르세요</translation>
    </message>
    <message>
        <source>{job}: the prompt was left out of this file when it was shared; write it again</source>
        <translation>{job}: 공유용으로 이 파일에서 프롬프트를 뺐습니다. 다시 입력하세요</translation>
    </message>
    <message>
        <source>{job} started from the output of {parent}; that image is used by its link while it lasts</source>
        <translation>{job}은(는) {parent}의 결과물에서 시작했습니다. 링크가 유효한 동안 그 이미지를 씁니다</translation>
    </message>
</context>
<context>
    <name>RecoverDialog</name>
    <message>
        <source>Recover from Atlas</source>
        <translation>Atlas에서 복구</translation>
    </message>
    <message>
        <source>the last day</source>
        <translation>최근 하루</translation>
    </message>
    <message>
        <source>the last 7 days</source>
        <translation>최근 7일</translation>
    </message>
    <message>
        <source>the last 30 days</source>
        <translation>최근 30일</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
    <message>
        <source>Download chosen…</source>
        <translation>선택한 항목 내려받기…</translation>
    </message>
    <message>
        <source>Generations of this key made in</source>
        <translation>이 키로 만든 생성물의 기간</translation>
    </message>
    <message>
        <source>Everything this API key generated, here or elsewhere. Tick the ones to download into a new batch folder while their links still work.</source>
        <translation>이 API 키로 여기나 다른 곳에서 만든 모든 생성물입니다. 링크가 살아 있는 동안 새 배치 폴더로 내려받을 항목을 체크하세요.</translation>
    </message>
    <message>
        <source>Reading the account&apos;s history…</source>
        <translation>계정 기록을 읽는 중…</translation>
    </message>
    <message numerus="yes">
        <source>%n generation(s) found; {usable} can be downloaded.</source>
        <translation>
            <numerusform>생성물 %n개를 찾았습니다. {usable}개를 내려받을 수 있습니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>The account&apos;s history could not be read: {reason}</source>
        <translation>계정 기록을 읽지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>Tick at least one generation to download.</source>
        <translation>내려받을 생성물을 하나 이상 체크하세요.</translation>
    </message>
    <message>
        <source>Download into a new batch folder</source>
        <translation>새 배치 폴더로 내려받기</translation>
    </message>
    <message>
        <source>{folder} holds an unfinished batch; choose another folder.</source>
        <translation>{folder}에 끝나지 않은 배치가 있습니다. 다른 폴더를 고르세요.</translation>
    </message>
</context>
<context>
    <name>Review</name>
    <message>
        <source>{count} pick(s) in {dest}: {linked} hard-linked, {copied} copied, {kept} already there</source>
        <translation>{dest}에 채택본 {count}개: 하드 링크 {linked}개, 복사 {copied}개, 이미 있던 것 {kept}개</translation>
    </message>
    <message>
        <source>; {count} picked file(s) no longer exist and were left out</source>
        <translation>; 채택한 파일 {count}개는 더 이상 없어서 뺐습니다</translation>
    </message>
    <message>
        <source>{path} was not written by Batch Studio; choose another folder so it is not replaced</source>
        <translation>{path}은(는) Batch Studio가 쓴 파일이 아닙니다. 덮어쓰지 않도록 다른 폴더를 고르세요</translation>
    </message>
    <message>
        <source>{path} cannot be read ({reason})</source>
        <translation>{path}을(를) 읽을 수 없습니다({reason})</translation>
    </message>
    <message>
        <source>nothing is picked in {folder}; pick outputs in the review first</source>
        <translation>{folder}에 채택한 결과물이 없습니다. 먼저 검토에서 결과물을 채택하세요</translation>
    </message>
    <message>
        <source>none of the {count} picked file(s) exist any more in {folder}</source>
        <translation>채택한 파일 {count}개가 {folder}에 하나도 남아 있지 않습니다</translation>
    </message>
    <message>
        <source>cannot create {dest}: {reason}</source>
        <translation>{dest}을(를) 만들 수 없습니다: {reason}</translation>
    </message>
    <message>
        <source>export the picks to another folder than the batch folder itself</source>
        <translation>채택본은 배치 폴더가 아닌 다른 폴더로 내보내세요</translation>
    </message>
    <message>
        <source>cannot write to {dest}: {reason}</source>
        <translation>{dest}에 쓸 수 없습니다: {reason}</translation>
    </message>
    <message>
        <source>{title} · {count} pick(s) · {date}</source>
        <translation>{title} · 채택 {count}개 · {date}</translation>
    </message>
    <message>
        <source>no preview</source>
        <translation>미리 보기 없음</translation>
    </message>
    <message>
        <source>{count} new job(s) cost {cost}; with {spent} already spent, this batch would cross its spend cap of {cap}. Nothing was queued.</source>
        <translation>새 작업 {count}개의 비용은 {cost}입니다. 이미 {spent}을(를) 써서 이 배치의 지출 한도 {cap}을(를) 넘게 됩니다. 아무것도 대기열에 넣지 않았습니다.</translation>
    </message>
    <message>
        <source>{count} new job(s) cost {cost}; with {today} spent today, this would cross the daily cap of {cap}. Nothing was queued.</source>
        <translation>새 작업 {count}개의 비용은 {cost}입니다. 오늘 이미 {today}을(를) 써서 하루 한도 {cap}을(를) 넘게 됩니다. 아무것도 대기열에 넣지 않았습니다.</translation>
    </message>
    <message>
        <source>re-roll</source>
        <translation>재생성</translation>
    </message>
    <message>
        <source>variation</source>
        <translation>변형</translation>
    </message>
    <message>
        <source>live prices are unavailable ({reason}); these are estimates</source>
        <translation>실시간 가격을 가져올 수 없어({reason}) 추정치를 표시합니다</translation>
    </message>
    <message>
        <source>nothing to add: no job was chosen</source>
        <translation>추가할 것이 없습니다: 고른 작업이 없습니다</translation>
    </message>
    <message>
        <source>{folder} has only a manifest and no job store, so new jobs cannot join its batch; run them as a new job set</source>
        <translation>{folder}에는 매니페스트만 있고 작업 저장소가 없어 새 작업을 배치에 넣을 수 없습니다. 새 작업 세트로 실행하세요</translation>
    </message>
    <message>
        <source>new jobs can only join the folder&apos;s latest batch ({latest}); this is batch {batch}</source>
        <translation>새 작업은 폴더의 최신 배치({latest})에만 넣을 수 있습니다. 이것은 배치 {batch}입니다</translation>
    </message>
    <message>
        <source>&quot;{name}&quot; starts from the image of &quot;{parent}&quot;, which is not in this batch</source>
        <translation>&quot;{name}&quot;은(는) 이 배치에 없는 &quot;{parent}&quot;의 이미지에서 시작합니다</translation>
    </message>
    <message>
        <source>the batch already has a job named &quot;{name}&quot;</source>
        <translation>배치에 이미 &quot;{name}&quot; 작업이 있습니다</translation>
    </message>
    <message>
        <source>&quot;{name}&quot; uses {model}, which the catalog no longer lists</source>
        <translation>&quot;{name}&quot;이(가) 쓰는 {model}은(는) 더 이상 카탈로그에 없습니다</translation>
    </message>
    <message>
        <source>{folder} is not a folder</source>
        <translation>{folder}은(는) 폴더가 아닙니다</translation>
    </message>
    <message>
        <source>the job store of {folder} cannot be opened ({reason})</source>
        <translation>{folder}의 작업 저장소를 열 수 없습니다({reason})</translation>
    </message>
    <message>
        <source>{folder} has no batch {batch}</source>
        <translation>{folder}에 배치 {batch}이(가) 없습니다</translation>
    </message>
    <message>
        <source>{folder} is not a batch folder: it has neither manifest.json nor a job store</source>
        <translation>{folder}은(는) 배치 폴더가 아닙니다: manifest.json도 작업 저장소도 없습니다</translation>
    </message>
    <message>
        <source>{path} lists no results</source>
        <translation>{path}에 결과가 없습니다</translation>
    </message>
    <message>
        <source>{picked} picked, {rejected} rejected, {unrated} unrated</source>
        <translation>채택 {picked}, 제외 {rejected}, 미평가 {unrated}</translation>
    </message>
    <message>
        <source>{file} has no video stream</source>
        <translation>{file}에 동영상 스트림이 없습니다</translation>
    </message>
    <message>
        <source>{file} cannot be read as a video ({reason})</source>
        <translation>{file}을(를) 동영상으로 읽을 수 없습니다({reason})</translation>
    </message>
    <message>
        <source>{file} has no frame that can be decoded</source>
        <translation>{file}에 디코딩할 수 있는 프레임이 없습니다</translation>
    </message>
    <message>
        <source>{file} cannot be read as an image ({reason})</source>
        <translation>{file}을(를) 이미지로 읽을 수 없습니다({reason})</translation>
    </message>
    <message>
        <source>{file} cannot be read ({reason})</source>
        <translation>{file}을(를) 읽을 수 없습니다({reason})</translation>
    </message>
</context>
<context>
    <name>ReviewGrid</name>
    <message>
        <source>loading…</source>
        <translation>불러오는 중…</translation>
    </message>
    <message>
        <source>no picture</source>
        <translation>그림 없음</translation>
    </message>
    <message>
        <source>no output ({status})</source>
        <translation>결과물 없음({status})</translation>
    </message>
    <message>
        <source>video</source>
        <translation>동영상</translation>
    </message>
</context>
<context>
    <name>ReviewMode</name>
    <message>
        <source>Review</source>
        <translation>검토</translation>
    </message>
    <message>
        <source>Switch between the job list and the review of the output folder</source>
        <translation>작업 목록과 출력 폴더 검토 화면을 전환합니다</translation>
    </message>
    <message>
        <source>Review a batch folder…</source>
        <translation>배치 폴더 검토…</translation>
    </message>
    <message>
        <source>Pick, compare, re-roll and export the outputs of any batch folder</source>
        <translation>어느 배치 폴더든 결과물을 채택, 비교, 재생성하고 내보냅니다</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <source>Review a batch folder</source>
        <translation>배치 폴더 검토</translation>
    </message>
    <message>
        <source>A batch is running. Re-roll or vary when it has finished.</source>
        <translation>배치가 실행 중입니다. 끝난 뒤에 재생성하거나 변형하세요.</translation>
    </message>
    <message>
        <source>Vary</source>
        <translation>변형</translation>
    </message>
    <message>
        <source>A batch is running. Vary when it has finished.</source>
        <translation>배치가 실행 중입니다. 끝난 뒤에 변형하세요.</translation>
    </message>
    <message>
        <source>Vary {name}</source>
        <translation>{name} 변형</translation>
    </message>
    <message>
        <source>Edit the copy of {name}, then Run.</source>
        <translation>{name}의 사본을 편집한 뒤 실행하세요.</translation>
    </message>
</context>
<context>
    <name>ReviewView</name>
    <message>
        <source>Any verdict</source>
        <translation>모든 판정</translation>
    </message>
    <message>
        <source>Picked</source>
        <translation>채택됨</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>제외됨</translation>
    </message>
    <message>
        <source>Unrated</source>
        <translation>미평가</translation>
    </message>
    <message>
        <source>Search prompts…</source>
        <translation>프롬프트 검색…</translation>
    </message>
    <message>
        <source>Batch order</source>
        <translation>배치 순서</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>비용</translation>
    </message>
    <message>
        <source>Finish time</source>
        <translation>완료 시각</translation>
    </message>
    <message>
        <source>Descending</source>
        <translation>내림차순</translation>
    </message>
    <message>
        <source>Tile size</source>
        <translation>타일 크기</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>판정</translation>
    </message>
    <message>
        <source>Sort</source>
        <translation>정렬</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>크기</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>비교</translation>
    </message>
    <message>
        <source>Two to four selected outputs side by side (C)</source>
        <translation>선택한 결과물 2~4개를 나란히 봅니다 (C)</translation>
    </message>
    <message>
        <source>Re-roll…</source>
        <translation>재생성…</translation>
    </message>
    <message>
        <source>The same inputs again with a new seed; shows the cost first</source>
        <translation>같은 입력을 새 시드로 다시 생성합니다. 먼저 비용을 보여 줍니다</translation>
    </message>
    <message>
        <source>Vary…</source>
        <translation>변형…</translation>
    </message>
    <message>
        <source>Export picks…</source>
        <translation>채택본 내보내기…</translation>
    </message>
    <message>
        <source>Copy the picked outputs to a folder with picks.csv and a contact sheet</source>
        <translation>채택한 결과물을 picks.csv, 모아 보기 이미지와 함께 폴더에 복사합니다</translation>
    </message>
    <message>
        <source>Arrows move · Space: large preview · P pick · X reject · U unmark · 1–5 rate · 0 no rating · C compare</source>
        <translation>화살표 이동 · Space: 크게 보기 · P 채택 · X 제외 · U 표시 해제 · 1–5 별점 · 0 별점 없음 · C 비교</translation>
    </message>
    <message>
        <source>Run a batch, or choose File › Review a batch folder…</source>
        <translation>배치를 실행하거나 파일 › 배치 폴더 검토…를 고르세요</translation>
    </message>
    <message>
        <source>The review could not be written to manifest.json: {reason}</source>
        <translation>검토 결과를 manifest.json에 쓰지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>Reviewing {folder} ({source})</source>
        <translation>{folder} 검토 중 ({source})</translation>
    </message>
    <message>
        <source>batch {batch}</source>
        <translation>배치 {batch}</translation>
    </message>
    <message>
        <source>manifest.json only</source>
        <translation>manifest.json만 있음</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>모든 상태</translation>
    </message>
    <message>
        <source>Any model</source>
        <translation>모든 모델</translation>
    </message>
    <message>
        <source>{picked} picked · {rejected} rejected · {unrated} unrated</source>
        <translation>채택 {picked} · 제외 {rejected} · 미평가 {unrated}</translation>
    </message>
    <message>
        <source>showing {shown} of {total}</source>
        <translation>{total}개 중 {shown}개 표시</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>저장하지 못했습니다</translation>
    </message>
    <message>
        <source>The verdict could not be saved: {reason}</source>
        <translation>판정을 저장하지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>picked</source>
        <translation>채택됨</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>제외됨</translation>
    </message>
    <message>
        <source>unrated</source>
        <translation>미평가</translation>
    </message>
    <message>
        <source>{name}: no output ({status}).</source>
        <translation>{name}: 결과물 없음({status}).</translation>
    </message>
    <message>
        <source>Select two to four outputs to compare them.</source>
        <translation>비교하려면 결과물을 2~4개 선택하세요.</translation>
    </message>
    <message>
        <source>Re-roll</source>
        <translation>재생성</translation>
    </message>
    <message>
        <source>{folder} has only a manifest.json and no job store, so new jobs cannot join its batch.</source>
        <translation>{folder}에는 manifest.json만 있고 작업 저장소가 없어 새 작업을 배치에 넣을 수 없습니다.</translation>
    </message>
    <message numerus="yes">
        <source>Pricing %n re-roll(s)…</source>
        <translation>
            <numerusform>재생성 %n개의 가격을 확인하는 중…</numerusform>
        </translation>
    </message>
    <message>
        <source>Over budget</source>
        <translation>예산 초과</translation>
    </message>
    <message numerus="yes">
        <source>Queue %n re-roll(s) for {total}? They join the batch next to their originals and run now.</source>
        <translation>
            <numerusform>재생성 %n개를 {total}에 대기열에 넣을까요? 배치에서 원본 옆에 들어가 바로 실행됩니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>Edit a copy of the selected job; shows the cost, then queues it beside its original</source>
        <translation>선택한 작업의 사본을 편집합니다. 비용을 보여 준 뒤 원본 옆에 대기열로 넣습니다</translation>
    </message>
    <message numerus="yes">
        <source>%n re-roll(s) queued beside their originals.</source>
        <translation>
            <numerusform>재생성 %n개를 원본 옆에 대기열로 넣었습니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>Pricing the variation {name}…</source>
        <translation>변형 {name}의 가격을 확인하는 중…</translation>
    </message>
    <message>
        <source>Vary</source>
        <translation>변형</translation>
    </message>
    <message>
        <source>Queue the variation {name} for {total}? It joins the batch next to its original and runs now.</source>
        <translation>변형 {name}을(를) {total}에 대기열에 넣을까요? 배치에서 원본 옆에 들어가 바로 실행됩니다.</translation>
    </message>
    <message>
        <source>The variation {name} is queued beside its original.</source>
        <translation>변형 {name}을(를) 원본 옆에 대기열로 넣었습니다.</translation>
    </message>
    <message>
        <source>Export picks</source>
        <translation>채택본 내보내기</translation>
    </message>
    <message>
        <source>Nothing is picked yet: select outputs and press P.</source>
        <translation>아직 채택한 결과물이 없습니다. 결과물을 선택하고 P를 누르세요.</translation>
    </message>
    <message>
        <source>Export picks to</source>
        <translation>채택본을 내보낼 폴더</translation>
    </message>
    <message>
        <source>Exporting the picks to {dest}…</source>
        <translation>채택본을 {dest}(으)로 내보내는 중…</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>검토</translation>
    </message>
    <message>
        <source>Also written: {files}.</source>
        <translation>함께 만든 파일: {files}.</translation>
    </message>
    <message>
        <source>Picks exported</source>
        <translation>채택본을 내보냈습니다</translation>
    </message>
</context>
<context>
    <name>SchemaForm</name>
    <message>
        <source>prompt</source>
        <translation>프롬프트</translation>
    </message>
    <message>
        <source>negative prompt</source>
        <translation>네거티브 프롬프트</translation>
    </message>
    <message>
        <source>aspect ratio</source>
        <translation>화면 비율</translation>
    </message>
    <message>
        <source>duration</source>
        <translation>길이(초)</translation>
    </message>
    <message>
        <source>resolution</source>
        <translation>해상도</translation>
    </message>
    <message>
        <source>seed</source>
        <translation>시드</translation>
    </message>
    <message>
        <source>size</source>
        <translation>크기</translation>
    </message>
    <message>
        <source>start image</source>
        <translation>시작 이미지</translation>
    </message>
    <message>
        <source>last image</source>
        <translation>마지막 이미지</translation>
    </message>
    <message>
        <source>camera fixed</source>
        <translation>카메라 고정</translation>
    </message>
    <message>
        <source>generate audio</source>
        <translation>오디오 생성</translation>
    </message>
    <message>
        <source>1080p or 4k requires duration 8</source>
        <translation>1080p 또는 4k는 길이가 8초여야 합니다</translation>
    </message>
    <message>
        <source>Videos ({patterns})</source>
        <translation>동영상 ({patterns})</translation>
    </message>
    <message>
        <source>Audio ({patterns})</source>
        <translation>오디오 ({patterns})</translation>
    </message>
    <message>
        <source>Images ({patterns})</source>
        <translation>이미지 ({patterns})</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>모든 파일 (*)</translation>
    </message>
    <message>
        <source>https://… or a local video file</source>
        <translation>https://… 또는 로컬 동영상 파일</translation>
    </message>
    <message>
        <source>https://… or a local audio file</source>
        <translation>https://… 또는 로컬 오디오 파일</translation>
    </message>
    <message>
        <source>https://… or a local image file</source>
        <translation>https://… 또는 로컬 이미지 파일</translation>
    </message>
    <message>
        <source>true/false</source>
        <translation>true/false</translation>
    </message>
    <message>
        <source>number</source>
        <translation>숫자</translation>
    </message>
    <message>
        <source>text</source>
        <translation>텍스트</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>찾아보기…</translation>
    </message>
    <message>
        <source>Not accepted at {where}: {reason}</source>
        <translation>{where}에서 받아들일 수 없습니다: {reason}</translation>
    </message>
    <message>
        <source>Not accepted: {reason}</source>
        <translation>받아들일 수 없습니다: {reason}</translation>
    </message>
    <message>
        <source>fixed by a rule of this model</source>
        <translation>이 모델의 규칙으로 고정됨</translation>
    </message>
    <message>
        <source>Set to {value}: {rule}.</source>
        <translation>{value}(으)로 설정됨: {rule}.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>Using the key from ATLASCLOUD_API_KEY ({key}); the environment wins over a stored key.</source>
        <translation>ATLASCLOUD_API_KEY의 키({key})를 사용합니다. 환경 변수가 저장된 키보다 우선합니다.</translation>
    </message>
    <message>
        <source>A key is stored in the system keyring ({key}). Type a new one to replace it.</source>
        <translation>시스템 키링에 키가 저장되어 있습니다({key}). 바꾸려면 새 키를 입력하세요.</translation>
    </message>
    <message>
        <source>No key yet: Batch Studio runs in demo mode. Keys look like apikey-…</source>
        <translation>아직 키가 없어 Batch Studio는 데모 모드로 실행됩니다. 키는 apikey-…처럼 생겼습니다.</translation>
    </message>
    <message>
        <source> min</source>
        <translation>분</translation>
    </message>
    <message>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>Across all batches in a day: nothing is submitted that would pass it.</source>
        <translation>하루 동안의 모든 배치에 적용됩니다. 이 금액을 넘게 만드는 작업은 제출하지 않습니다.</translation>
    </message>
    <message>
        <source>Refuse to run above the budget (instead of asking)</source>
        <translation>예산을 넘으면 묻지 않고 실행을 거부</translation>
    </message>
    <message>
        <source>Demo mode: use the built-in simulator, nothing is billed</source>
        <translation>데모 모드: 내장 시뮬레이터 사용, 과금 없음</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>고르기…</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 키</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>기본 URL</translation>
    </message>
    <message>
        <source>Jobs at once</source>
        <translation>동시 작업 수</translation>
    </message>
    <message>
        <source>Image time limit</source>
        <translation>이미지 시간 제한</translation>
    </message>
    <message>
        <source>Video time limit</source>
        <translation>동영상 시간 제한</translation>
    </message>
    <message>
        <source>Daily spend cap</source>
        <translation>하루 지출 한도</translation>
    </message>
    <message>
        <source>Default output folder</source>
        <translation>기본 출력 폴더</translation>
    </message>
    <message>
        <source>https://… (optional; a job set&apos;s webhook_url wins)</source>
        <translation>https://… (선택 사항, 작업 세트의 webhook_url이 우선)</translation>
    </message>
    <message>
        <source>Signed JSON events when jobs finish or fail and when a batch ends or pauses. The signing secret comes from BATCH_STUDIO_WEBHOOK_SECRET or the keyring.</source>
        <translation>작업이 끝나거나 실패할 때, 배치가 끝나거나 일시 정지될 때 서명된 JSON 이벤트를 보냅니다. 서명 비밀값은 BATCH_STUDIO_WEBHOOK_SECRET 또는 키링에서 가져옵니다.</translation>
    </message>
    <message>
        <source>Webhook URL</source>
        <translation>웹훅 URL</translation>
    </message>
    <message>
        <source>This computer</source>
        <translation>이 컴퓨터</translation>
    </message>
    <message>
        <source>Celery workers (Redis)</source>
        <translation>Celery 워커 (Redis)</translation>
    </message>
    <message>
        <source>redis://127.0.0.1:6379/0 (or BATCH_STUDIO_BROKER_URL)</source>
        <translation>redis://127.0.0.1:6379/0 (또는 BATCH_STUDIO_BROKER_URL)</translation>
    </message>
    <message>
        <source>Run jobs on</source>
        <translation>작업 실행 위치</translation>
    </message>
    <message>
        <source>Broker URL</source>
        <translation>브로커 URL</translation>
    </message>
    <message>
        <source>Same as the system</source>
        <translation>시스템 설정 따르기</translation>
    </message>
    <message>
        <source>Applies when Batch Studio starts again.</source>
        <translation>Batch Studio를 다시 시작하면 적용됩니다.</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>언어</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>밝게</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>어둡게</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>테마</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>출력 폴더</translation>
    </message>
    <message>
        <source>Atlas Cloud keys start with apikey-. Check the key and try again.</source>
        <translation>Atlas Cloud 키는 apikey-로 시작합니다. 키를 확인하고 다시 시도하세요.</translation>
    </message>
    <message>
        <source>The key was not saved: {reason}.</source>
        <translation>키를 저장하지 못했습니다: {reason}.</translation>
    </message>
    <message>
        <source>The webhook URL must start with http:// or https://.</source>
        <translation>웹훅 URL은 http:// 또는 https://로 시작해야 합니다.</translation>
    </message>
    <message>
        <source>Write each output&apos;s recipe into the file (else beside it, the file kept exactly as downloaded)</source>
        <translation>각 결과물의 레시피를 파일 안에 씁니다(끄면 옆 파일에 쓰고, 결과물은 내려받은 그대로 둡니다)</translation>
    </message>
    <message>
        <source>Include the prompts in the files&apos; metadata</source>
        <translation>파일 메타데이터에 프롬프트 포함</translation>
    </message>
    <message>
        <source>Off for files you share: the manifest and sidecars keep the prompts.</source>
        <translation>공유할 파일에는 끄세요: 매니페스트와 옆 파일에는 프롬프트가 남습니다.</translation>
    </message>
    <message>
        <source>Recipes</source>
        <translation>레시피</translation>
    </message>
    <message>
        <source>Resubmit once a lost submit that Atlas&apos;s history shows was never created</source>
        <translation>응답을 잃은 제출이 Atlas 기록에 없으면(생성되지 않음) 한 번 다시 제출</translation>
    </message>
    <message>
        <source>Off: such a job waits for you instead. A lost submit found in the history is always followed, never sent again.</source>
        <translation>끄면 그런 작업은 대신 사용자의 결정을 기다립니다. 기록에서 찾은 제출은 항상 이어서 추적하며 다시 보내지 않습니다.</translation>
    </message>
</context>
<context>
    <name>TierLine</name>
    <message>
        <source>This model comes in no other tier: draft mode runs it as itself.</source>
        <translation>이 모델에는 다른 등급이 없습니다: 초안 모드에서도 그대로 실행합니다.</translation>
    </message>
    <message>
        <source>Tiers, cheapest first (drafts run on the first): {tiers}</source>
        <translation>등급, 저렴한 순 (초안은 첫 등급에서 실행): {tiers}</translation>
    </message>
</context>
<context>
    <name>Unsettable</name>
    <message>
        <source>set</source>
        <translation>지정</translation>
    </message>
    <message>
        <source>Ticked: this value is sent. Unticked: the input is left out and the model uses its own choice.</source>
        <translation>체크하면 이 값을 보냅니다. 체크하지 않으면 이 입력을 빼고 모델이 스스로 정합니다.</translation>
    </message>
</context>
<context>
    <name>Validation</name>
    <message>
        <source> for {model}</source>
        <translation> ({model})</translation>
    </message>
    <message>
        <source>a rule of this model</source>
        <translation>이 모델의 규칙</translation>
    </message>
    <message>
        <source> with {conditions}</source>
        <translation> ({conditions}일 때)</translation>
    </message>
    <message>
        <source>{name} {value} is not allowed{context}: {rule}{suffix}</source>
        <translation>{name} {value}은(는) 허용되지 않습니다{context}: {rule}{suffix}</translation>
    </message>
    <message>
        <source>{name} is required{suffix}</source>
        <translation>{name}은(는) 필수입니다{suffix}</translation>
    </message>
    <message>
        <source>{name} {value} is not one of {choices}{suffix}</source>
        <translation>{name} {value}은(는) {choices} 중 하나가 아닙니다{suffix}</translation>
    </message>
    <message>
        <source>{name} {value} is below the minimum {limit}{suffix}</source>
        <translation>{name} {value}은(는) 최솟값 {limit}보다 작습니다{suffix}</translation>
    </message>
    <message>
        <source>{name} {value} is above the maximum {limit}{suffix}</source>
        <translation>{name} {value}은(는) 최댓값 {limit}보다 큽니다{suffix}</translation>
    </message>
    <message>
        <source>a whole number</source>
        <translation>정수</translation>
    </message>
    <message>
        <source>a number</source>
        <translation>숫자</translation>
    </message>
    <message>
        <source>text</source>
        <translation>텍스트</translation>
    </message>
    <message>
        <source>numbers</source>
        <translation>숫자</translation>
    </message>
    <message>
        <source>true or false</source>
        <translation>true 또는 false</translation>
    </message>
    <message>
        <source>{choices} ({kind})</source>
        <translation>{choices} ({kind})</translation>
    </message>
    <message>
        <source>{name} {value} could mean any of {choices}; write the one you mean in quotes for {model}</source>
        <translation>{name} {value}은(는) {choices} 중 어느 것으로도 읽힐 수 있습니다. {model}에는 원하는 값을 따옴표로 감싸 쓰세요</translation>
    </message>
    <message>
        <source> from {low} to {high}</source>
        <translation>({low}~{high})</translation>
    </message>
    <message>
        <source>at least {low}</source>
        <translation>{low} 이상</translation>
    </message>
    <message>
        <source>above {low}</source>
        <translation>{low} 초과</translation>
    </message>
    <message>
        <source>at most {high}</source>
        <translation>{high} 이하</translation>
    </message>
    <message>
        <source>below {high}</source>
        <translation>{high} 미만</translation>
    </message>
    <message>
        <source> and </source>
        <translation>, </translation>
    </message>
    <message>
        <source>{name} {value} must be above {limit}{suffix}</source>
        <translation>{name} {value}은(는) {limit}보다 커야 합니다{suffix}</translation>
    </message>
    <message>
        <source>{name} {value} must be below {limit}{suffix}</source>
        <translation>{name} {value}은(는) {limit}보다 작아야 합니다{suffix}</translation>
    </message>
    <message>
        <source>{name} {value} must be a multiple of {step}{suffix}</source>
        <translation>{name} {value}은(는) {step}의 배수여야 합니다{suffix}</translation>
    </message>
    <message>
        <source>{name} has 1 item</source>
        <translation>{name}의 항목이 1개입니다</translation>
    </message>
    <message>
        <source>{name} has {count} items</source>
        <translation>{name}의 항목이 {count}개입니다</translation>
    </message>
    <message>
        <source>at least {limit}</source>
        <translation>최소 {limit}개여야 합니다</translation>
    </message>
    <message>
        <source>at most {limit}</source>
        <translation>최대 {limit}개까지입니다</translation>
    </message>
    <message>
        <source>{count}; {limit}{suffix}</source>
        <translation>{count}. {limit}{suffix}</translation>
    </message>
    <message>
        <source>{name} lists the same item more than once{suffix}</source>
        <translation>{name}에 같은 항목이 두 번 이상 있습니다{suffix}</translation>
    </message>
    <message>
        <source>{name} has an unknown key {key} (known: {names}){suffix}</source>
        <translation>{name}에 알 수 없는 키 {key}이(가) 있습니다(사용 가능: {names}){suffix}</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>목록</translation>
    </message>
    <message>
        <source>a mapping</source>
        <translation>매핑</translation>
    </message>
    <message>
        <source>{name} {value} must be {wanted}{suffix}</source>
        <translation>{name} {value}은(는) {wanted}이어야 합니다{suffix}</translation>
    </message>
    <message>
        <source>{name} must not be empty{suffix}</source>
        <translation>{name}은(는) 비어 있으면 안 됩니다{suffix}</translation>
    </message>
    <message>
        <source>{name} is {length} characters; the limit is {limit}{suffix}</source>
        <translation>{name}은(는) {length}자입니다. 한도는 {limit}자입니다{suffix}</translation>
    </message>
    <message>
        <source>, for example {example}</source>
        <translation>, 예: {example}</translation>
    </message>
    <message>
        <source>{name} {value} is not in the expected format{hint}{suffix}</source>
        <translation>{name} {value}의 형식이 올바르지 않습니다{hint}{suffix}</translation>
    </message>
    <message>
        <source>{name} {value}: each side must be between {low} and {high} pixels for {model}</source>
        <translation>{name} {value}: {model}에서는 각 변이 {low}~{high}픽셀이어야 합니다</translation>
    </message>
    <message>
        <source>{name} {value} is {megapixels} megapixels; {model} allows up to {limit}</source>
        <translation>{name} {value}은(는) {megapixels}메가픽셀입니다. {model}은(는) 최대 {limit}메가픽셀까지 허용합니다</translation>
    </message>
    <message>
        <source>{value} is neither an http(s) URL, a data:image URI nor an existing image file</source>
        <translation>{value}은(는) http(s) URL도, data:image URI도, 있는 이미지 파일도 아닙니다</translation>
    </message>
    <message>
        <source>{value} is neither an http(s) URL, a data:video URI nor an existing video file</source>
        <translation>{value}은(는) http(s) URL도, data:video URI도, 있는 동영상 파일도 아닙니다</translation>
    </message>
    <message>
        <source>{value} is neither an http(s) URL, a data:audio URI nor an existing audio file</source>
        <translation>{value}은(는) http(s) URL도, data:audio URI도, 있는 오디오 파일도 아닙니다</translation>
    </message>
    <message>
        <source>{file} is not an image ({suffixes})</source>
        <translation>{file}은(는) 이미지가 아닙니다({suffixes})</translation>
    </message>
    <message>
        <source>{file} is not a video ({suffixes})</source>
        <translation>{file}은(는) 동영상이 아닙니다({suffixes})</translation>
    </message>
    <message>
        <source>{file} is not an audio file ({suffixes})</source>
        <translation>{file}은(는) 오디오 파일이 아닙니다({suffixes})</translation>
    </message>
    <message>
        <source>{file} is {size} MB; uploads are limited to {limit} MB</source>
        <translation>{file}은(는) {size}MB입니다. 업로드는 {limit}MB까지 가능합니다</translation>
    </message>
    <message>
        <source>name must not be empty</source>
        <translation>이름은 비어 있으면 안 됩니다</translation>
    </message>
    <message>
        <source>; did you mean {names}?</source>
        <translation>; {names}을(를) 말씀하신 건가요?</translation>
    </message>
    <message>
        <source> or </source>
        <translation> 또는 </translation>
    </message>
    <message>
        <source>unknown model {model}{hint}</source>
        <translation>알 수 없는 모델 {model}{hint}</translation>
    </message>
    <message>
        <source>inputs must be a mapping of field names to values</source>
        <translation>inputs는 필드 이름과 값의 매핑이어야 합니다</translation>
    </message>
    <message>
        <source>image_from needs a model that takes a start image; {model} takes none (use an image-to-video model)</source>
        <translation>image_from에는 시작 이미지를 받는 모델이 필요합니다. {model}은(는) 받지 않습니다(이미지-동영상 모델을 쓰세요)</translation>
    </message>
    <message>
        <source>give either {field} or image_from, not both</source>
        <translation>{field}와 image_from 중 하나만 지정하세요</translation>
    </message>
    <message>
        <source>; known inputs: {names}</source>
        <translation>; 사용할 수 있는 입력: {names}</translation>
    </message>
    <message>
        <source>unknown input {name} for {model}{hint}</source>
        <translation>{model}에 없는 입력 {name}{hint}</translation>
    </message>
    <message>
        <source>the job set has no jobs</source>
        <translation>작업 세트에 작업이 없습니다</translation>
    </message>
    <message>
        <source>; did you mean &quot;{name}&quot;?</source>
        <translation>; &quot;{name}&quot;을(를) 말씀하신 건가요?</translation>
    </message>
    <message>
        <source>image_from names &quot;{parent}&quot;, but no job has that name{hint}</source>
        <translation>image_from이 &quot;{parent}&quot;을(를) 가리키지만 그런 이름의 작업이 없습니다{hint}</translation>
    </message>
    <message>
        <source>image_from &quot;{parent}&quot; is ambiguous: {count} jobs have that name; rename them</source>
        <translation>image_from &quot;{parent}&quot;이(가) 모호합니다: 같은 이름의 작업이 {count}개 있습니다. 이름을 바꾸세요</translation>
    </message>
    <message>
        <source>image_from &quot;{parent}&quot; makes a video; a start image must come from an image job</source>
        <translation>image_from &quot;{parent}&quot;은(는) 동영상을 만듭니다. 시작 이미지는 이미지 작업에서 와야 합니다</translation>
    </message>
    <message>
        <source>image_from makes a loop of jobs waiting for each other</source>
        <translation>image_from 때문에 작업들이 서로를 기다리는 순환이 생깁니다</translation>
    </message>
    <message>
        <source>output_subfolder {subfolder} must be a relative folder inside the output folder</source>
        <translation>output_subfolder {subfolder}은(는) 출력 폴더 안의 상대 경로여야 합니다</translation>
    </message>
    <message>
        <source>output_subfolder {subfolder} must not contain &apos;..&apos;</source>
        <translation>output_subfolder {subfolder}에는 &apos;..&apos;이 들어갈 수 없습니다</translation>
    </message>
    <message>
        <source>cannot write to the output folder {folder}: {reason}</source>
        <translation>출력 폴더 {folder}에 쓸 수 없습니다: {reason}</translation>
    </message>
    <message>
        <source>loading the inputs of {model}…</source>
        <translation>{model}의 입력을 불러오는 중…</translation>
    </message>
    <message>
        <source>the inputs of {model} could not be loaded: {reason}</source>
        <translation>{model}의 입력을 불러오지 못했습니다: {reason}</translation>
    </message>
</context>
<context>
    <name>VaryDialog</name>
    <message>
        <source>Vary {name}</source>
        <translation>{name} 변형</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Price and queue…</source>
        <translation>가격 확인 후 대기열에 넣기…</translation>
    </message>
    <message>
        <source>The copy joins the batch next to {name}; its cost is shown before it is queued.</source>
        <translation>사본은 배치에서 {name} 옆에 들어갑니다. 대기열에 넣기 전에 비용을 보여 줍니다.</translation>
    </message>
    <message>
        <source>{model} is no longer in the catalog, so this job cannot be varied.</source>
        <translation>{model}이(가) 더 이상 카탈로그에 없어 이 작업을 변형할 수 없습니다.</translation>
    </message>
    <message>
        <source>Loading the inputs of {model}…</source>
        <translation>{model}의 입력을 불러오는 중…</translation>
    </message>
    <message>
        <source>The inputs of {model} could not be loaded: {reason}</source>
        <translation>{model}의 입력을 불러오지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>From the output of &quot;{parent}&quot;.</source>
        <translation>&quot;{parent}&quot;의 결과물에서 가져옵니다.</translation>
    </message>
    <message>
        <source>The copy needs a name.</source>
        <translation>사본에 이름이 필요합니다.</translation>
    </message>
    <message>
        <source>The batch already has a job named &quot;{name}&quot;.</source>
        <translation>배치에 이미 &quot;{name}&quot;이라는 작업이 있습니다.</translation>
    </message>
</context>
<context>
    <name>VideoSync</name>
    <message>
        <source>Pause all</source>
        <translation>모두 일시 정지</translation>
    </message>
    <message>
        <source>Play all</source>
        <translation>모두 재생</translation>
    </message>
</context>
<context>
    <name>VideoView</name>
    <message>
        <source>Loop</source>
        <translation>반복</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>음소거</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>일시 정지</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>재생</translation>
    </message>
</context>
<context>
    <name>dialogs</name>
    <message>
        <source>Batch Studio {problem}. Choose another folder.</source>
        <translation>Batch Studio: {problem}. 다른 폴더를 고르세요.</translation>
    </message>
</context>
<context>
    <name>documents</name>
    <message>
        <source>Job sets (*.yaml *.yml *.json *.csv);;YAML (*.yaml *.yml);;JSON (*.json);;CSV spreadsheets (*.csv)</source>
        <translation>작업 세트 (*.yaml *.yml *.json *.csv);;YAML (*.yaml *.yml);;JSON (*.json);;CSV 스프레드시트 (*.csv)</translation>
    </message>
</context>
</TS>
